import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { route } from "../http/route";
import {
  BankActivityInput,
  BankImportInput,
  BankQuestionInput,
  BankQuestionParams,
  BankSearchQuery,
} from "../input/bank";
import { adminBankActivity } from "../routes/admin-bank-activity";
import { adminBankCreate } from "../routes/admin-bank-create";
import { adminBankDelete } from "../routes/admin-bank-delete";
import { adminBankGet } from "../routes/admin-bank-get";
import { adminBankImport } from "../routes/admin-bank-import";
import { adminBankSearch } from "../routes/admin-bank-search";
import { adminBankTags } from "../routes/admin-bank-tags";
import { adminBankUpdate } from "../routes/admin-bank-update";

/** Mounted at `/api/admin/bank`: the question bank, for admins only (docs/question-bank.md). */
export const bankArea = new Hono<AppEnv>();

route(bankArea, "get", "/questions", { role: "admin", query: BankSearchQuery }, adminBankSearch);
route(bankArea, "post", "/questions", { role: "admin", json: BankQuestionInput }, adminBankCreate);
route(bankArea, "get", "/questions/:id", { role: "admin", param: BankQuestionParams }, adminBankGet);
route(
  bankArea,
  "put",
  "/questions/:id",
  { role: "admin", param: BankQuestionParams, json: BankQuestionInput },
  adminBankUpdate,
);
route(bankArea, "delete", "/questions/:id", { role: "admin", param: BankQuestionParams }, adminBankDelete);
route(bankArea, "get", "/tags", { role: "admin" }, adminBankTags);
route(bankArea, "post", "/imports", { role: "admin", json: BankImportInput }, adminBankImport);
route(bankArea, "post", "/activities", { role: "admin", json: BankActivityInput }, adminBankActivity);

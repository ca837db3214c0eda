import { getBankQuestions } from "../../schema/queries/bank";
import { ApiError } from "../http/errors";
import type { RouteHandler } from "../http/route";
import type { BankQuestionParams } from "../input/bank";

/** `GET /api/admin/bank/questions/:id`: one question. 404 QUESTION_NOT_FOUND. */
export const adminBankGet: RouteHandler<{ param: typeof BankQuestionParams }> = async (c) => {
  const { id } = c.req.valid("param");
  const question = (await getBankQuestions(c.env.DB, [id])).get(id);
  if (question === undefined) throw new ApiError(404, "QUESTION_NOT_FOUND", `no question ${id} in the bank`);
  return c.json({ question });
};

import { deleteBankQuestion } from "../../schema/queries/bank";
import { ApiError } from "../http/errors";
import type { RouteHandler } from "../http/route";
import type { BankQuestionParams } from "../input/bank";

/** `DELETE /api/admin/bank/questions/:id`: removes it; activities keep their copies. 404 QUESTION_NOT_FOUND. */
export const adminBankDelete: RouteHandler<{ param: typeof BankQuestionParams }> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await deleteBankQuestion(c.env.DB, id))) {
    throw new ApiError(404, "QUESTION_NOT_FOUND", `no question ${id} in the bank`);
  }
  return c.json({ deleted: id });
};

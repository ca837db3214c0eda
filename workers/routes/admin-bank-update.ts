import { updateBankQuestion } from "../../schema/queries/bank";
import { ApiError } from "../http/errors";
import type { RouteHandler } from "../http/route";
import type { BankQuestionInput, BankQuestionParams } from "../input/bank";

/**
 * `PUT /api/admin/bank/questions/:id` (a whole question): replaces it. Activities assembled from it
 * keep their own copy. 200 `{ question }`; 404 QUESTION_NOT_FOUND; 409 QUESTION_EXISTS (`field: "text"`)
 * when another question has the new text.
 */
export const adminBankUpdate: RouteHandler<{
  param: typeof BankQuestionParams;
  json: typeof BankQuestionInput;
}> = async (c) => {
  const { id } = c.req.valid("param");
  const result = await updateBankQuestion(c.env.DB, id, c.req.valid("json"), Date.now());
  if (result === "duplicate") {
    throw new ApiError(409, "QUESTION_EXISTS", "another question of the bank has this text", "text");
  }
  if (result === null) throw new ApiError(404, "QUESTION_NOT_FOUND", `no question ${id} in the bank`);
  return c.json({ question: result });
};

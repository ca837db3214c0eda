import { insertBankQuestions } from "../../schema/queries/bank";
import { ApiError } from "../http/errors";
import type { RouteHandler } from "../http/route";
import type { BankQuestionInput } from "../input/bank";

/**
 * `POST /api/admin/bank/questions` `{ text, options, correct, tags?, difficulty?, source? }`: adds one
 * question to the bank. 201 `{ question }`; 409 QUESTION_EXISTS (`field: "text"`) when the bank holds it.
 */
export const adminBankCreate: RouteHandler<{ json: typeof BankQuestionInput }> = async (c) => {
  const stored = await insertBankQuestions(c.env.DB, [c.req.valid("json")], Date.now());
  const question = stored === "duplicate" ? undefined : stored[0];
  if (question === undefined) {
    throw new ApiError(409, "QUESTION_EXISTS", "the bank already holds this question", "text");
  }
  return c.json({ question }, 201);
};

import { getBankQuestions } from "../../schema/queries/bank";
import { ApiError } from "../http/errors";
import type { RouteHandler } from "../http/route";
import type { BankActivityInput } from "../input/bank";
import { createActivity } from "./admin-activity-create";

/**
 * `POST /api/admin/bank/activities`: an activity as `POST /api/admin/activities` takes it, with
 * `questionIds` (bank questions, in show order) in place of `questions`. The activity stores copies of
 * their text, options and correct option: later edits of the bank never change it. 201 `{ activity }`;
 * 400 QUESTION_NOT_FOUND (`field: "questionIds.<i>"`) for an id the bank does not hold; 409 ACTIVITY_EXISTS.
 */
export const adminBankActivity: RouteHandler<{ json: typeof BankActivityInput }> = async (c) => {
  const { questionIds, ...activity } = c.req.valid("json");
  const found = await getBankQuestions(c.env.DB, questionIds);
  const questions = questionIds.map((id, i) => {
    const q = found.get(id);
    if (q === undefined) {
      throw new ApiError(
        400,
        "QUESTION_NOT_FOUND",
        `questionIds.${i} is not in the bank`,
        `questionIds.${i}`,
      );
    }
    return { text: q.text, options: q.options, correct: q.correct };
  });
  return createActivity(c, { ...activity, questions });
};

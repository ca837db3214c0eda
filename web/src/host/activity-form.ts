// The "create an activity" form: a question editor (2–4 options, one marked correct) and its values.
import { byId, h } from "../shared/dom";
import type { ActivityFormValues, QuestionValues } from "./activity-input";

const MAX_OPTIONS = 4;
const MAX_QUESTIONS = 50;

export interface ActivityForm {
  values(): ActivityFormValues;
  /** Focuses the field a validation message names, when there is one. */
  focus(field: string): void;
  reset(): void;
}

export function createActivityForm(): ActivityForm {
  const form = byId("create", HTMLFormElement);
  const list = byId("c-questions", HTMLElement);
  const add = byId("c-add-question", HTMLButtonElement);
  let uid = 0;

  function renumber(): void {
    list.querySelectorAll<HTMLFieldSetElement>("fieldset").forEach((fs, i) => {
      const n = i + 1;
      fs.querySelector("legend")!.textContent = `Question ${n}`;
      fs.querySelector<HTMLInputElement>("input.q-text")!.setAttribute("aria-label", `Question ${n} text`);
      fs.querySelectorAll<HTMLInputElement>("input.q-option").forEach((o, k) => {
        o.setAttribute("aria-label", `Question ${n} option ${k + 1}`);
      });
      fs.querySelectorAll<HTMLInputElement>("input[type=radio]").forEach((r, k) => {
        r.setAttribute("aria-label", `Question ${n}: option ${k + 1} is correct`);
      });
    });
    add.disabled = list.children.length >= MAX_QUESTIONS;
  }

  function addQuestion(): void {
    const name = `correct-${++uid}`;
    const options = Array.from({ length: MAX_OPTIONS }, (_, k) => {
      const radio = h("input", { type: "radio", name, value: String(k) });
      if (k === 0) radio.checked = true;
      return h(
        "div",
        { class: "opt-row" },
        radio,
        h("input", {
          class: "q-option",
          placeholder: k < 2 ? `Option ${k + 1}` : `Option ${k + 1} (optional)`,
        }),
      );
    });
    const remove = h("button", { type: "button" }, "Remove question");
    const fs = h(
      "fieldset",
      { class: "question-edit" },
      h("legend"),
      h("input", { class: "q-text", placeholder: "The question" }),
      h("div", { class: "opts" }, ...options),
      remove,
    );
    remove.addEventListener("click", () => {
      if (list.children.length > 1) fs.remove();
      renumber();
    });
    list.append(fs);
    renumber();
  }

  add.addEventListener("click", addQuestion);
  addQuestion();

  const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "";

  return {
    values() {
      const questions: QuestionValues[] = [...list.querySelectorAll<HTMLFieldSetElement>("fieldset")].map(
        (fs) => ({
          text: fs.querySelector<HTMLInputElement>("input.q-text")!.value,
          options: [...fs.querySelectorAll<HTMLInputElement>("input.q-option")].map((o) => o.value),
          correct: Number(fs.querySelector<HTMLInputElement>("input[type=radio]:checked")?.value ?? -1),
        }),
      );
      return {
        id: field("id"),
        title: field("title"),
        prize: field("prize"),
        windowSec: field("windowSec"),
        streamUrl: field("streamUrl"),
        delaySec: field("delaySec"),
        audience: field("audience"),
        questions,
        rainTotal: field("rainTotal"),
        rainCount: field("rainCount"),
        rainSec: field("rainSec"),
      };
    },
    focus(name) {
      const q = /^questions\.(\d+)\.(text|options|correct)$/.exec(name);
      if (q) {
        const fs = list.querySelectorAll<HTMLFieldSetElement>("fieldset")[Number(q[1])];
        const sel =
          q[2] === "text" ? "input.q-text" : q[2] === "options" ? "input.q-option" : "input[type=radio]";
        fs?.querySelector<HTMLInputElement>(sel)?.focus();
        return;
      }
      (form.elements.namedItem(name) as HTMLInputElement | null)?.focus?.();
    },
    reset() {
      form.reset();
      list.replaceChildren();
      addQuestion();
    },
  };
}

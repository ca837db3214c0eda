// The red-packet rain overlay: falling packets and one big button, each press one `tap()`. The SDK
// applies the room's throttle factor, so most presses of a crowded rain never leave the phone.
import type { GrabResult, Result } from "../../../client/index";
import { byId, h, setText, show } from "../shared/dom";
import { formatCents } from "../shared/money";
import { tapOutcome } from "./rain-outcome";
import type { Action, ViewState } from "./state";

export interface RainDeps {
  tap(rain: number): Promise<Result<GrabResult>>;
  dispatch(a: Action): void;
}

export interface RainOverlay {
  render(s: ViewState): void;
}

/** At most this many grabs on their way at once: more would only queue behind the room's bucket. */
const MAX_IN_FLIGHT = 3;
const SPAWN_EVERY_MS = 450;

export function createRainOverlay(deps: RainDeps): RainOverlay {
  const $ = {
    root: byId("rain", HTMLElement),
    field: byId("rain-field", HTMLElement),
    left: byId("rain-left", HTMLElement),
    mine: byId("rain-mine", HTMLElement),
    msg: byId("rain-msg", HTMLElement),
    grab: byId("rain-grab", HTMLButtonElement),
  };
  let current: ViewState["rain"];
  let inFlight = 0;
  let spawner: ReturnType<typeof setInterval> | undefined;

  async function tap(): Promise<void> {
    const rain = current;
    if (!rain?.running || rain.stop || inFlight >= MAX_IN_FLIGHT) return;
    inFlight++;
    try {
      const out = tapOutcome(await deps.tap(rain.rain));
      if (out.granted) {
        const { amountCents, grabbed } = out.granted;
        deps.dispatch({ type: "granted", rain: rain.rain, amountCents, grabbed });
      }
      if (out.stop) deps.dispatch({ type: "grabStopped", rain: rain.rain, stop: out.stop });
      setText($.msg, out.message);
    } finally {
      inFlight--;
    }
  }

  function spawn(): void {
    const packet = h("button", {
      type: "button",
      class: "packet",
      tabindex: "-1",
      "aria-hidden": "true",
      style: `left:${Math.round(Math.random() * 85)}%;animation-duration:${2200 + Math.round(Math.random() * 1200)}ms`,
    });
    packet.addEventListener("pointerdown", () => {
      packet.remove();
      void tap();
    });
    packet.addEventListener("animationend", () => packet.remove());
    $.field.append(packet);
  }

  function setRaining(on: boolean): void {
    if (on && !spawner) spawner = setInterval(spawn, SPAWN_EVERY_MS);
    if (!on && spawner) {
      clearInterval(spawner);
      spawner = undefined;
      $.field.replaceChildren();
    }
  }

  $.grab.addEventListener("click", () => void tap());

  return {
    render(s) {
      const rain = s.rain;
      current = rain;
      const visible = rain?.running === true;
      show($.root, visible);
      setRaining(visible && !rain.stop);
      if (!rain) return;
      $.root.dataset.throttlePpm = String(rain.throttlePpm);
      setText($.left, `${rain.packetsLeft} of ${rain.packets} packets left`);
      setText($.mine, `you: ${rain.mine} · ${formatCents(rain.mineCents)}`);
      $.grab.disabled = !visible || rain.stop !== undefined || s.conn !== "open";
      if (rain.stop === "cap") setText($.grab, "Cap reached");
      else if (rain.stop === "empty") setText($.grab, "All gone");
      else setText($.grab, "Grab a red packet");
    },
  };
}

// The console's health panel as text and numbers, apart from the DOM so that it is unit-tested in Node.
// Every figure is defined in docs/live-room.md, "Show health".
import type { QuestionIntakeView, RoomHealthView } from "../../../schema/room-health";

/** One figure of the panel's top row. */
export interface HealthFigure {
  id: string;
  label: string;
  value: string;
  /** Worth the operator's eye (an old backlog, unapplied settlements, a shard behind). */
  warn: boolean;
}

export interface HealthPanelView {
  figures: HealthFigure[];
  /** One row per pushed question, the latest first: cells as shown. */
  questions: string[][];
  /** One row per shard: cells as shown, and whether it lags. */
  shards: { cells: string[]; warn: boolean }[];
  /** The chart: the latest question's answers in each second after its push. */
  chart: { title: string; bars: number[] };
}

export const QUESTION_COLUMNS = [
  "Question",
  "Answers",
  "Answers/s",
  "Peak/s",
  "Lag p50",
  "p90",
  "p99",
  "Open for",
];
export const SHARD_HEALTH_COLUMNS = [
  "Shard",
  "Online",
  "Behind",
  "Fan-out",
  "Outbox",
  "Oldest unsent",
  "Unapplied",
  "Settlement lag",
  "Reconnects/min",
  "Resumes/min",
];

/** An outbox or settlement event older than this is shown as a warning. */
export const LAG_WARN_MS = 10_000;

const count = (n: number) => n.toLocaleString("en-US");

/**
 * A duration as the panel shows it: ms under a second, seconds with one decimal under a minute.
 *
 * @example duration(850) // "850 ms"
 * @example duration(12_340) // "12.3 s"
 * @example duration(null) // "–"
 */
export function duration(ms: number | null): string {
  if (ms === null) return "–";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;
}

const rate = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 2 });

function questionRow(q: QuestionIntakeView): string[] {
  return [
    `Q${q.question + 1}`,
    count(q.answers),
    rate(q.perSec),
    count(q.peakPerSec),
    duration(q.lagMs?.p50 ?? null),
    duration(q.lagMs?.p90 ?? null),
    duration(q.lagMs?.p99 ?? null),
    `${duration(q.openMs)}${q.open ? " (open)" : ""}`,
  ];
}

/** The panel of a room's health. */
export function healthPanel(hv: RoomHealthView): HealthPanelView {
  const s = hv.settlement;
  const latest = hv.questions[hv.questions.length - 1];
  return {
    figures: [
      {
        id: "h-fanout",
        label: "Fan-out to last socket",
        value: duration(hv.fanout.lastSocketMs),
        warn: false,
      },
      { id: "h-backlog", label: "Outbox backlog", value: count(s.outboxBacklog), warn: false },
      {
        id: "h-unsent",
        label: "Oldest unsent",
        value: duration(s.oldestUnsentAgeMs),
        warn: (s.oldestUnsentAgeMs ?? 0) > LAG_WARN_MS,
      },
      {
        id: "h-settle",
        label: "Settlement lag",
        value: s.unapplied === 0 ? "none" : `${count(s.unapplied)} · ${duration(s.oldestUnappliedAgeMs)}`,
        warn: (s.oldestUnappliedAgeMs ?? 0) > LAG_WARN_MS,
      },
      { id: "h-reconnects", label: "Reconnects/s", value: rate(hv.reconnectsPerSec), warn: false },
      { id: "h-resumes", label: "Resumes/s", value: rate(hv.resumesPerSec), warn: false },
    ],
    questions: [...hv.questions].reverse().map(questionRow),
    shards: hv.shards.map((r) => ({
      cells: [
        String(r.shard),
        count(r.online),
        count(r.behind),
        duration(r.fanoutMs),
        count(r.outboxBacklog),
        duration(r.oldestUnsentAgeMs),
        count(r.unapplied),
        duration(r.oldestUnappliedAgeMs),
        count(r.reconnects),
        count(r.resumes),
      ],
      warn: r.behind > 0 || r.unapplied > 0,
    })),
    chart:
      latest === undefined
        ? { title: "No question pushed yet", bars: [] }
        : {
            title: `Q${latest.question + 1}: answers per second after the push (peak ${count(latest.peakPerSec)})`,
            bars: latest.perSecond,
          },
  };
}

/**
 * The bars of a chart `width`×`height`: one slot per second (at least `minSlots`), scaled to the tallest.
 *
 * @example barRects([1, 2], 100, 50, 2) // [{ x: 0, y: 25, w: 45, h: 25 }, { x: 50, y: 0, w: 45, h: 50 }]
 */
export function barRects(
  bars: readonly number[],
  width: number,
  height: number,
  minSlots = 10,
): { x: number; y: number; w: number; h: number }[] {
  const slots = Math.max(minSlots, bars.length);
  const slot = width / slots;
  const max = Math.max(1, ...bars);
  const r = (n: number) => Math.round(n * 10) / 10;
  return bars.map((v, i) => {
    const bh = (v / max) * height;
    return { x: r(i * slot), y: r(height - bh), w: r(slot * 0.9), h: r(bh) };
  });
}

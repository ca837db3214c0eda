// Plays an activity's HLS stream in a <video> and says where the picture is on the stream's own clock.
// hls.js (Media Source Extensions) where the browser has them, the browser's own HLS where it has no
// MSE but plays HLS itself (iPhone Safari). The position is the picture's EXT-X-PROGRAM-DATE-TIME in
// epoch ms — hls.js `playingDate`, Safari `getStartDate()` + `currentTime` — the same for every viewer
// of a live stream whatever edge, segment or moment they joined at; a stream without program-date-time
// falls back to the media timeline (`currentTime`), which is only shared by players that started
// together (README, "The stream and its clock").
import Hls from "hls.js";

export interface StreamPlayer {
  /** The picture's position in ms on the stream's clock, or null before the first frame plays. */
  position(): number | null;
  /** Which clock `position` reads: program-date-time, the media timeline, or none yet. */
  clock(): "program-date-time" | "media-time" | "none";
  /** Whether the stream cannot play (no playlist, a fatal media error): the page then has no stream. */
  failed(): boolean;
  /** Calls `fn` whenever the position may have jumped or moved (time update, seek, play, stall, failure). */
  onChange(fn: () => void): void;
  destroy(): void;
}

/** Whether `url` is a stream the pages play: http(s) only. */
export function playable(url: string): boolean {
  return /^https?:\/\//.test(url);
}

/**
 * Attaches `url` to `video` and starts playing it (muted, so browsers allow it).
 * @example const player = attachStream(byId("video", HTMLVideoElement), room.streamUrl)
 */
export function attachStream(video: HTMLVideoElement, url: string): StreamPlayer {
  const listeners: Array<() => void> = [];
  const changed = () => {
    for (const fn of listeners) fn();
  };
  const events = ["timeupdate", "seeked", "seeking", "playing", "waiting", "pause", "loadeddata"];
  for (const e of events) video.addEventListener(e, changed);

  let failed = false;
  const fail = () => {
    failed = true;
    changed();
  };
  // Which stream plays here, for people and tests (with hls.js `src` is a blob: URL of a Media Source).
  video.dataset.stream = url;
  let hls: Hls | undefined;
  if (Hls.isSupported()) {
    // No worker: the pages' CSP allows scripts from 'self' only, and a blob: worker would need more.
    hls = new Hls({ enableWorker: false, lowLatencyMode: true });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) fail();
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  } else {
    video.addEventListener("error", fail);
    video.src = url;
  }
  void video.play().catch(() => {
    // Autoplay refused (muted autoplay is allowed almost everywhere): the controls are there.
  });

  const programDateTime = (): number | null => {
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return null;
    if (hls !== undefined) return hls.playingDate?.getTime() ?? null;
    // Safari's native HLS: the program-date-time of media time 0 (NaN when the stream has none).
    const start = (video as HTMLVideoElement & { getStartDate?: () => Date }).getStartDate?.().getTime();
    return start === undefined || Number.isNaN(start) ? null : start + video.currentTime * 1000;
  };

  return {
    failed: () => failed,
    position() {
      if (failed) return null;
      const pdt = programDateTime();
      if (pdt !== null) return Math.floor(pdt);
      return video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA
        ? Math.floor(video.currentTime * 1000)
        : null;
    },
    clock() {
      if (programDateTime() !== null) return "program-date-time";
      return video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA ? "media-time" : "none";
    },
    onChange(fn) {
      listeners.push(fn);
    },
    destroy() {
      for (const e of events) video.removeEventListener(e, changed);
      hls?.destroy();
      video.removeEventListener("error", fail);
      delete video.dataset.stream;
      video.removeAttribute("src");
      video.load();
    },
  };
}

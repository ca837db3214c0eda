// The keyword filter: a configurable word list, matched case-insensitively on a normalised
// "skeleton" of the text, so that spacing, punctuation, full-width forms and simple digit
// substitutions do not slip a blocked word past it. Pure.

/** A compiled word list: the skeletons of its words, longest first, duplicates and blanks removed. */
export interface WordFilter {
  words: readonly string[];
}

// Digits and symbols commonly standing in for letters.
const LOOKALIKES: Readonly<Record<string, string>> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "@": "a",
  $: "s",
};

// Everything that is not a letter, a mark or a digit: spaces, punctuation, symbols, invisible
// joiners — what a sender puts between the letters of a word to break it up.
const SEPARATORS = /[^\p{L}\p{M}\p{N}@$]/gu;

/**
 * The skeleton a word or a text is compared on: NFKC (full-width and compatibility forms fold to
 * plain ones), lower case, separators removed, look-alike digits and symbols mapped to letters.
 * @example skeleton("B.a-D ＷＯＲＤ") // → "badword"
 */
export function skeleton(s: string): string {
  const folded = s.normalize("NFKC").toLowerCase().replace(SEPARATORS, "");
  let out = "";
  for (const ch of folded) out += LOOKALIKES[ch] ?? ch;
  return out;
}

/**
 * Compiles a word list. Blank entries are ignored.
 * @example compileFilter(["spam", " SPAM ", ""]).words // → ["spam"]
 */
export function compileFilter(words: readonly string[]): WordFilter {
  const set = new Set<string>();
  for (const w of words) {
    const s = skeleton(w);
    if (s.length > 0) set.add(s);
  }
  return { words: [...set].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)) };
}

/**
 * The first blocked word found in the text (as its skeleton), or null. Matching is by substring of
 * the skeleton: right for Chinese, where words are not separated by spaces, and strict for
 * English (a word inside a longer one also matches), which a moderation list accepts.
 * @example blockedWord(compileFilter(["spam"]), "S p 4 m!") // → "spam"
 */
export function blockedWord(filter: WordFilter, text: string): string | null {
  if (filter.words.length === 0) return null;
  const s = skeleton(text);
  for (const w of filter.words) if (s.includes(w)) return w;
  return null;
}

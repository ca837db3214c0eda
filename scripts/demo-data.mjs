// The demo users and activity that `npm start` seeds. Fixed ids, so seeding twice changes nothing.

/** Demo viewers; carol holds a revival card to show the automatic revival. */
export const DEMO_USERS = [
  { id: "alice", name: "Alice", revivalCards: 0 },
  { id: "bob", name: "Bob", revivalCards: 0 },
  { id: "carol", name: "Carol", revivalCards: 1 },
  { id: "dave", name: "Dave", revivalCards: 0 },
];

/** The operator identities the printed host and admin tokens carry. */
export const DEMO_HOST = { id: "host", name: "Demo host" };
export const DEMO_ADMIN = { id: "admin", name: "Demo admin" };

/**
 * The demo quiz: 4 questions, a 1,000.00 prize pool, 10 s to answer, one red-packet rain; starts in 5 min.
 * Its stream is the local one the Worker serves from web/public/stream (README, "The stream and its
 * clock"), with a 15 s stream-delay budget: a viewer's picture may trail the host's by up to 15 s.
 */
export const demoActivity = (nowMs, base) => ({
  id: "demo",
  title: "liveroom demo quiz",
  startAt: nowMs + 5 * 60_000,
  prizePoolCents: 100_000,
  answerWindowMs: 10_000,
  streamUrl: `${base}/stream/index.m3u8`,
  streamDelayBudgetMs: 15_000,
  grabCap: 3,
  questions: [
    { text: "Which planet is known as the red planet?", options: ["Venus", "Mars", "Jupiter"], correct: 1 },
    { text: "How many cents make a dollar?", options: ["10", "50", "100", "1000"], correct: 2 },
    { text: "Which runtime runs this room?", options: ["workerd", "a VM", "a mainframe"], correct: 0 },
    { text: "Is 2^10 greater than 1000?", options: ["Yes", "No"], correct: 0 },
  ],
  rains: [
    { totalCents: 20_000, count: 200, targetTapsPerSec: 1000, durationMs: 20_000, seed: "demo-rain-0" },
  ],
});

/** The gift catalog, priced in coins. */
export const DEMO_GIFTS = [
  { id: "rose", name: "Rose", priceCoins: 1 },
  { id: "rocket", name: "Rocket", priceCoins: 50 },
  { id: "castle", name: "Castle", priceCoins: 200 },
];

/**
 * A few question-bank questions (docs/question-bank.md), so the console's bank screen has something to
 * search and assemble a show from. Each is stored once: seeding again is a 409 per question, kept as is.
 */
export const DEMO_BANK = [
  {
    text: "Which planet has the most moons known today?",
    options: ["Jupiter", "Saturn", "Uranus", "Neptune"],
    correct: 1,
    tags: ["space", "science"],
    difficulty: "medium",
    source: "demo",
  },
  {
    text: "How many minutes is a football match's regular time?",
    options: ["80", "90", "100"],
    correct: 1,
    tags: ["sport"],
    difficulty: "easy",
    source: "demo",
  },
  {
    text: "Which element has the chemical symbol Fe?",
    options: ["Fluorine", "Iron", "Lead", "Tin"],
    correct: 1,
    tags: ["science", "chemistry"],
    difficulty: "easy",
    source: "demo",
  },
  {
    text: "In which year did the first person walk on the Moon?",
    options: ["1965", "1969", "1972"],
    correct: 1,
    tags: ["space", "history"],
    difficulty: "medium",
    source: "demo",
  },
  {
    text: "Which river flows through Vienna, Budapest and Belgrade?",
    options: ["Rhine", "Danube", "Elbe", "Vistula"],
    correct: 1,
    tags: ["geography"],
    difficulty: "medium",
    source: "demo",
  },
  {
    text: "What is the smallest prime number greater than 100?",
    options: ["101", "103", "107", "109"],
    correct: 0,
    tags: ["maths"],
    difficulty: "hard",
    source: "demo",
  },
  {
    text: "Who painted the ceiling of the Sistine Chapel?",
    options: ["Raphael", "Leonardo da Vinci", "Michelangelo"],
    correct: 2,
    tags: ["art", "history"],
    difficulty: "easy",
    source: "demo",
  },
  {
    text: "How many bytes are in a kibibyte?",
    options: ["1000", "1024", "1048"],
    correct: 1,
    tags: ["computing", "maths"],
    difficulty: "hard",
    source: "demo",
  },
];

/** Coins each demo viewer starts with, granted once (the key makes a re-seed a no-op). */
export const DEMO_COINS = 500;

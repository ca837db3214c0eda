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

/** Coins each demo viewer starts with, granted once (the key makes a re-seed a no-op). */
export const DEMO_COINS = 500;

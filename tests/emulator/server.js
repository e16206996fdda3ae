// Starts the telegram-test-api emulator for the end-to-end tests (see tests/harness/emulator.py).
//
//   node server.js [PORT]        (or EMULATOR_PORT=... node server.js)
//
// Listens on 127.0.0.1 only and prints one line, "EMULATOR READY http://127.0.0.1:PORT", when it
// accepts connections. The bot side (/bot<token>/<method>) is reached through the Python bridge,
// which fills the emulator's gaps; test delegates use the client API (/sendMessage, /sendCommand,
// /sendCallback, /getUpdates, /getUpdatesHistory) directly.
'use strict';

const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2] || process.env.EMULATOR_PORT || 9000);
const host = process.env.EMULATOR_HOST || '127.0.0.1';
// Seconds the emulator keeps messages; the default (60 s) would drop messages during long runs.
const storeTimeout = Number(process.env.EMULATOR_STORE_TIMEOUT || 24 * 3600);

// Node closes a keep-alive connection after 5 s idle, the same moment httpx (5 s) and before aiohttp
// (15 s) stop reusing it: a request sent on a connection as the server closes it fails with a read
// error. Keeping idle connections for 10 minutes lets every client close them first.
const keepAliveMs = 10 * 60 * 1000;

// The client routes do not await the emulator's promises: log a failure instead of crashing.
process.on('unhandledRejection', (error) => {
  console.error(`emulator: unhandled rejection: ${error && error.stack ? error.stack : error}`);
});

async function main() {
  const server = new TelegramServer({ port, host, storeTimeout });
  await server.start();
  server.server.keepAliveTimeout = keepAliveMs;
  server.server.headersTimeout = keepAliveMs + 1000;
  console.log(`EMULATOR READY http://${host}:${port}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`emulator: could not start: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});

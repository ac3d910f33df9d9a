// Starts the Cloud Storage emulator of firebase-tools on 127.0.0.1 without its rules runtime, which
// would download a jar (impossible offline) and which the GCS JSON API does not use: requests through
// that API are checked by the admin-only validator. Used by scripts/services/gcs.sh.
//
// Two shims in front of the emulator's own routes fill gaps the Java client runs into; everything
// else is the emulator's code:
//  1. Resumable uploads in several chunks. The emulator finalizes an upload on its first PUT, so any
//     object larger than one chunk (16 MiB by default) fails. A PUT whose Content-Range has an
//     unknown total ("bytes A-B/*") is appended to the upload and answered 308 with the Range
//     received, as GCS does; the final PUT ("bytes A-B/TOTAL") and status queries go to the
//     emulator's handler, which appends and finalizes.
//  2. PATCH of object metadata at /storage/v1/b/...: the emulator serves that route only as
//     /b/..., and does not honour X-HTTP-Method-Override (POST standing for PATCH), which Java's
//     HTTP transport uses; the method and path are rewritten.
//
//   node gcs-emulator.js FIREBASE_TOOLS_DIR PORT
'use strict';
const path = require('path');

const [toolsDir, port] = process.argv.slice(2);
if (!toolsDir || !port) {
  console.error('usage: node gcs-emulator.js FIREBASE_TOOLS_DIR PORT');
  process.exit(2);
}
const lib = path.join(toolsDir, 'node_modules/firebase-tools/lib/emulator');
const { StorageEmulator } = require(path.join(lib, 'storage'));
// Registered so that the emulator can form its own URLs (upload locations, bucket metadata).
const { EmulatorRegistry } = require(path.join(lib, 'registry'));

async function main() {
  const emulator = new StorageEmulator({
    projectId: 'runpilot-test',
    host: '127.0.0.1',
    port: Number(port),
    auto_download: false,
    rules: { name: '', content: '' },
  });
  const noop = { start: async () => [], stop: async () => {}, getRuleset: () => undefined };
  emulator._rulesRuntime.start = noop.start;
  emulator._rulesRuntime.stop = noop.stop;
  emulator._rulesManager = noop;
  await EmulatorRegistry.start(emulator);
  installShims(emulator);
  console.log(`GCS emulator listening on http://127.0.0.1:${port}`);
  const stop = async () => {
    try {
      await EmulatorRegistry.stop(emulator.getName());
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function installShims(emulator) {
  const app = emulator.getApp();
  app.use((req, res, next) => {
    // Java's HTTP transport sends PATCH as POST with X-HTTP-Method-Override, which GCS honours.
    const override = req.header('x-http-method-override');
    if (req.method === 'POST' && override) {
      req.method = override.toUpperCase();
    }
    if (req.method === 'PATCH' && req.url.startsWith('/storage/v1/b/')) {
      req.url = req.url.substring('/storage/v1'.length);
      return next();
    }
    const range = req.header('content-range');
    if (req.method !== 'PUT' || !req.path.startsWith('/upload/storage/v1/b/') || !req.query.upload_id || !range) {
      return next();
    }
    const uploadId = req.query.upload_id.toString();
    const partial = /^bytes (\d+)-(\d+)\/\*$/.exec(range);
    const statusQuery = range === 'bytes */*';
    if (!partial && !statusQuery) {
      return next(); // the final chunk: the emulator appends it and finalizes
    }
    let upload;
    try {
      upload = emulator.uploadService.getResumableUpload(uploadId);
    } catch (err) {
      return res.sendStatus(404);
    }
    const received = () => {
      if (upload.size > 0) {
        res.header('Range', `bytes=0-${upload.size - 1}`);
      }
      res.sendStatus(308);
    };
    if (statusQuery) {
      return received();
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', next);
    req.on('end', () => {
      const data = Buffer.concat(chunks);
      if (Number(partial[1]) !== upload.size) {
        return received(); // a chunk the server already has, or one past a gap: report what it has
      }
      try {
        emulator.uploadService.continueResumableUpload(uploadId, data);
      } catch (err) {
        return res.status(400).json({ error: { code: 400, message: String(err && err.message) } });
      }
      received();
    });
  });
  // Move the shim in front of every route the emulator registered, after Express's own request setup.
  const stack = app._router.stack;
  const shim = stack.pop();
  const init = stack.findIndex((layer) => layer.name === 'expressInit');
  stack.splice(init + 1, 0, shim);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

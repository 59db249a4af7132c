'use strict';
// Preloaded (`node -r`) into a separate instance of the built app by the bench's statement capture
// (bench/lib/capture.ts): records every statement the app sends to PostgreSQL through `pg`, with its
// parameters exactly as pg puts them on the wire (text), the backend that ran it and the first row
// it returned, as JSON lines in BENCH_CAPTURE_FILE. Never loaded by the server under measurement.
const { appendFileSync } = require('node:fs');

const file = process.env.BENCH_CAPTURE_FILE;
if (file) {
  const pg = require('pg');
  const { prepareValue } = require('pg/lib/utils');
  const original = pg.Client.prototype.query;
  let seq = 0;

  const text = (value) => {
    const prepared = prepareValue(value);
    if (prepared === null || prepared === undefined) return null;
    return typeof prepared === 'string' ? prepared : prepared.toString();
  };

  pg.Client.prototype.query = function capturedQuery(config, values, ...rest) {
    // The connection that LISTENs for changes (libs/database/src/signals.ts) beats on its own
    // clock, not for any request: it is not part of one.
    if (
      this.connectionParameters &&
      this.connectionParameters.application_name === 'rollcall-signals'
    ) {
      return original.call(this, config, values, ...rest);
    }
    const sql = typeof config === 'string' ? config : config && config.text;
    const params = Array.isArray(values)
      ? values
      : config && Array.isArray(config.values)
        ? config.values
        : [];
    const entry = {
      seq: ++seq,
      at: Date.now(),
      backend: this.processID,
      text: sql,
      values: params.map(text),
    };
    const write = (extra) => {
      try {
        appendFileSync(file, `${JSON.stringify({ ...entry, ...extra })}\n`);
      } catch {
        // capture is best effort; the bench reports what it found
      }
    };
    const result = original.call(this, config, values, ...rest);
    if (typeof sql !== 'string') return result;
    if (result && typeof result.then === 'function') {
      result.then(
        (res) => write({ row: res && Array.isArray(res.rows) ? (res.rows[0] ?? null) : null }),
        (error) => write({ error: String(error && error.message) }),
      );
    } else {
      write({});
    }
    return result;
  };
}

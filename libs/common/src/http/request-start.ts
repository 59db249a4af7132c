const START = Symbol('rollcall.requestStart');

/** When a request arrived, on the monotonic clock (for durations) and the wall clock. */
export interface RequestStart {
  hr: bigint;
  at: Date;
}

/**
 * When the request arrived: fixed by the first piece of the pipeline that asks (the SCIM read
 * listener, else the request log line), so the log line, the metrics and the provisioning log time
 * the same stretch.
 */
export function requestStart(request: object): RequestStart {
  const holder = request as { [START]?: RequestStart };
  holder[START] ??= { hr: process.hrtime.bigint(), at: new Date() };
  return holder[START];
}

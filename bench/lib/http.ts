/** A small JSON client for the setup calls (operator API, admin API, SCIM). */
export interface HttpResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: { auth?: string; body?: unknown; expect?: number[]; scim?: boolean } = {},
): Promise<HttpResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.auth) headers.Authorization = options.auth;
  if (options.body !== undefined) {
    headers['Content-Type'] = options.scim ? 'application/scim+json' : 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const expected = options.expect ?? [200, 201, 204];
  if (!expected.includes(response.status)) {
    throw new Error(
      `${method} ${path} answered ${response.status} (expected ${expected.join(' or ')}): ${text.slice(0, 500)}`,
    );
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

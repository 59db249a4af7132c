import type { Request } from 'express';
import { readCookie, sessionCookieOptions } from './cookies';

describe('session cookies', () => {
  it('are Secure only when the public URL is https', () => {
    expect(sessionCookieOptions('https://id.example.com', 'strict')).toEqual({
      httpOnly: true,
      sameSite: 'strict',
      secure: true,
      path: '/',
    });
    expect(sessionCookieOptions('http://localhost:3000', 'lax', 1000)).toEqual({
      httpOnly: true,
      sameSite: 'lax',
      secure: false,
      path: '/',
      maxAge: 1000,
    });
  });

  it('are read by name from the Cookie header', () => {
    const request = { headers: { cookie: 'a=1; rollcall_portal=rcps_x%5F; b=2' } } as Request;
    expect(readCookie(request, 'rollcall_portal')).toBe('rcps_x_');
    expect(readCookie(request, 'missing')).toBeUndefined();
  });
});

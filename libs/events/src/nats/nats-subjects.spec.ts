import { connectionOptions, describeNatsUrl, eventSubject } from './nats-subjects';

describe('NATS subjects and URLs', () => {
  it('puts the organization and the type (two tokens) under rollcall', () => {
    expect(eventSubject('0b9c3f0e-1c1d-4a53-9f1e-2f3f1a2b3c4d', 'user.created')).toBe(
      'rollcall.0b9c3f0e-1c1d-4a53-9f1e-2f3f1a2b3c4d.user.created',
    );
  });

  it.each([
    ['nats://127.0.0.1:4222', { servers: ['127.0.0.1:4222'] }],
    ['nats://broker.internal', { servers: ['broker.internal:4222'] }],
    ['tls://broker.internal:4443', { servers: ['broker.internal:4443'], tls: {} }],
    [
      'nats://rollcall:s%40cret@broker:4222',
      { servers: ['broker:4222'], user: 'rollcall', pass: 's@cret' },
    ],
    ['nats://t0ken@broker:4222', { servers: ['broker:4222'], token: 't0ken' }],
  ])('reads %s as the client options', (url, options) => {
    expect(connectionOptions(url)).toEqual(options);
  });

  it('never logs the credentials of the URL', () => {
    expect(describeNatsUrl('nats://rollcall:s3cret@broker:4222')).toBe(
      'nats://broker:4222 (with credentials)',
    );
    expect(describeNatsUrl('tls://broker')).toBe('tls://broker:4222');
  });
});

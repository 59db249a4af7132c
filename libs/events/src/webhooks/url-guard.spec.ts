import { isPrivateAddress, parseWebhookUrl, resolveWebhookTarget } from './url-guard';

describe('webhook URL guard (SSRF)', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::',
    '::1',
    '[::1]',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:a00:1::1',
    '2001:db8::1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('allows the public address %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  const strict = { allowPrivateUrls: false, production: true };
  const open = { allowPrivateUrls: true, production: true };

  it('requires https in production unless private URLs are allowed', () => {
    expect(() => parseWebhookUrl('http://hooks.example.com/x', strict)).toThrow(/https/);
    expect(parseWebhookUrl('http://hooks.example.com/x', open).host).toBe('hooks.example.com');
    expect(() =>
      parseWebhookUrl('http://x.example/y', { allowPrivateUrls: false, production: false }),
    ).not.toThrow();
  });

  it('refuses other schemes, credentials and fragments', () => {
    expect(() => parseWebhookUrl('ftp://example.com', open)).toThrow(/https/);
    expect(() => parseWebhookUrl('file:///etc/passwd', open)).toThrow(/https/);
    expect(() => parseWebhookUrl('https://u:p@example.com', open)).toThrow(/credentials/);
    expect(() => parseWebhookUrl('https://example.com/#x', open)).toThrow(/fragment/);
    expect(() => parseWebhookUrl('nonsense', open)).toThrow(/absolute/);
  });

  it('resolves names and refuses one that resolves to a private address', async () => {
    await expect(resolveWebhookTarget('https://localhost/x', strict)).rejects.toThrow(
      /localhost resolves to .*non-public/,
    );
    await expect(resolveWebhookTarget('https://[::1]/x', strict)).rejects.toThrow(/non-public/);
    await expect(resolveWebhookTarget('https://localhost/x', open)).resolves.toMatchObject({
      address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/),
    });
    await expect(resolveWebhookTarget('https://8.8.8.8/x', strict)).resolves.toMatchObject({
      address: '8.8.8.8',
      family: 4,
    });
  });
});

import { checkCallbackUrl, classifyAddress, classifyHost } from './network-policy';

describe('network policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.128.0.1', 'public'],
    ['169.254.1.1', 'link_local'],
    ['169.254.169.254', 'metadata'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456::1', 'unique_local'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a00:1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:c0a8:0101::1', 'private'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:db8::1', 'reserved'],
  ])('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('treats names as names, and knows the local ones', () => {
    expect(classifyAddress('example.com')).toBeUndefined();
    expect(classifyHost('localhost')).toBe('loopback');
    expect(classifyHost('LOCALHOST.')).toBe('loopback');
    expect(classifyHost('api.localhost')).toBe('loopback');
    expect(classifyHost('printer.local')).toBe('private');
    expect(classifyHost('metadata.google.internal')).toBe('private');
    expect(classifyHost('example.com')).toBe('public');
  });

  const strict = { allowPrivateNetworks: false };
  it.each([
    'http://127.0.0.1/hook',
    'http://localhost:8080/hook',
    'http://[::1]/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://2130706433/', // 127.0.0.1 as one decimal number
    'http://0x7f.1/', // hex shorthand
    'http://0177.0.0.1/', // octal
    'http://10.0.0.5/',
    'http://[fd00::5]/',
    'http://[fe80::1]/',
    'http://0.0.0.0/',
    'http://[::ffff:192.168.0.1]/',
  ])('refuses %s unless private networks are allowed', (url) => {
    expect(checkCallbackUrl(url, strict)).toMatch(/private networks are disabled/);
    expect(checkCallbackUrl(url, { allowPrivateNetworks: true })).toBeUndefined();
  });

  it.each([
    ['ftp://example.com/file', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['javascript:alert(1)', /http or https/],
    ['not a url', /absolute http\(s\) URL/],
    ['/relative', /absolute http\(s\) URL/],
    ['https://user:pw@example.com/', /credentials/],
  ])('refuses %s always', (url, message) => {
    expect(checkCallbackUrl(url, { allowPrivateNetworks: true })).toMatch(message);
  });

  it('accepts public http(s) URLs', () => {
    expect(checkCallbackUrl('https://example.com/hook', strict)).toBeUndefined();
    expect(checkCallbackUrl('http://93.184.216.34:8080/x?y=1', strict)).toBeUndefined();
    expect(checkCallbackUrl('https://[2606:4700:4700::1111]/', strict)).toBeUndefined();
  });
});

// What the emulated APIs share: the sandbox's credentials, the signatures Twilio and Zendesk put
// on their webhooks, and small HTTP helpers.
import crypto from 'node:crypto';

export const SANDBOX_CREDENTIALS = Object.freeze({
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001',
  TWILIO_AUTH_TOKEN: 'sandbox-twilio-auth-token-0001',
  TWILIO_WHATSAPP_NUMBER: '+14155238886',
  ZENDESK_API_KEY: 'sandbox-zendesk-api-token-0001',
  ZENDESK_DOMAIN: 'sandbox.zendesk.com',
  ZENDESK_EMAIL: 'agent@sandbox.example',
  ZENDESK_WEBHOOK_SECRET: 'sandbox-zendesk-webhook-secret-0001',
});

/**
 * The sandbox's second brand: its own WhatsApp number, Zendesk brand and group, tags and a
 * custom field saying which number the customer wrote to (`CHANNELS`, docs/channels.md). The
 * variables above are the first brand (the default channel).
 */
export const SANDBOX_CHANNELS = Object.freeze({
  travel: {
    name: 'Acme Travel',
    sender: '+14155550142',
    brand_id: 2,
    group_id: 2,
    tags: ['brand_travel'],
    custom_fields: [{ id: 360005, value: '{number}' }],
  },
});

/** The sandbox account's brands, as the page names them. */
export const SANDBOX_BRANDS = Object.freeze({ 1: 'Acme', 2: 'Acme Travel' });

/** Zendesk's webhook signature: base64(HMAC-SHA256(secret, timestamp + body)). */
export function zendeskSignature(secret, timestamp, body) {
  return crypto.createHmac('sha256', secret).update(timestamp + body).digest('base64');
}

/** The agent who answers in the sandbox (a Zendesk user other than the requester). */
export const SANDBOX_AGENT = Object.freeze({ id: 7001, name: 'Sam Agent' });

/** Twilio's webhook signature: base64(HMAC-SHA1(token, url + sorted name+value pairs)). */
export function twilioSignature(authToken, url, params) {
  const pairs = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + pairs.map(([k, v]) => k + v).join('');
  return crypto.createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

const hex = (n) => crypto.randomBytes(n).toString('hex');
export const newMessageSid = () => `SM${hex(16)}`;
export const rfc2822 = (d = new Date()) => d.toUTCString().replace('GMT', '+0000');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function basicAuth(req) {
  const h = req.headers.authorization || '';
  if (!h.startsWith('Basic ')) return null;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(status, { 'Content-Type': type, ...headers });
  res.end(text);
}

/** Bytes that look like the type (a real 1x1 PNG for images, a PDF header for PDFs). */
export function sampleBytes(contentType, size) {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f2a7a90000000049454e44ae426082', 'hex');
  const head = contentType.startsWith('image/') ? png : contentType === 'application/pdf' ? Buffer.from('%PDF-1.4\n% sandbox file\n') : Buffer.from(`${contentType} sandbox file\n`);
  if (!size || size <= head.length) return head;
  return Buffer.concat([head, Buffer.alloc(size - head.length, 0x20)]);
}

// `npm start`: the sandbox (Zendesk + Twilio stand-ins and the customer's phone) and the gateway
// in `wrangler dev`, wired together on loopback. No account needed.
import { createEmulator, SANDBOX_CREDENTIALS } from '../sandbox/emulator.mjs';
import { SANDBOX_CHANNELS } from '../sandbox/emulator/common.mjs';
import { startGateway, REPO_ROOT } from '../sandbox/gateway.mjs';
import { rmSync } from 'node:fs';
import path from 'node:path';

const sandboxPort = Number(process.env.SANDBOX_PORT || 8788);
// The sandbox's Zendesk and Twilio live in memory: start the gateway's Durable Objects afresh
// too, or conversations would point at tickets the new sandbox never had.
const statePath = '.wrangler/sandbox-state';
rmSync(path.join(REPO_ROOT, statePath), { recursive: true, force: true });
const gatewayPort = Number(process.env.GATEWAY_PORT || 8787);

// The sandbox's own admin token: the page shows what the gateway says about each message.
const adminToken = 'sandbox-admin-token-0001';
// Agents' changes reach the gateway as Zendesk's ticket events (what `npm run setup` subscribes
// on an account that has them): a solved ticket's customer is asked how it went (CSAT below).
const emulator = createEmulator({ gatewayUrl: `http://127.0.0.1:${gatewayPort}/twilio/whatsapp`, adminToken, zendeskDelivery: 'events' });
const sandboxUrl = await emulator.listen(sandboxPort);
console.log(`[start] sandbox (Zendesk + Twilio stand-ins) on ${sandboxUrl}`);
console.log('[start] building and starting the gateway in wrangler dev (the first build takes a minute)...');

const gateway = await startGateway({
  port: gatewayPort,
  persistTo: statePath,
  vars: {
    ...SANDBOX_CREDENTIALS,
    ZENDESK_BASE_URL: sandboxUrl,
    TWILIO_API_BASE_URL: sandboxUrl,
    ADMIN_TOKEN: adminToken,
    // A second brand's number, so a newcomer sees routing by number (docs/channels.md).
    CHANNELS: JSON.stringify(SANDBOX_CHANNELS),
    // The satisfaction question when an agent solves a ticket (the sandbox page's Solve button).
    CSAT: 'on',
    ...(process.env.TWILIO_CONTENT_SID ? { TWILIO_CONTENT_SID: process.env.TWILIO_CONTENT_SID } : {}),
  },
  onLine: (line) => console.log(`[gateway] ${line}`),
});

console.log(`
  Gateway:  ${gateway.url}  (webhook: ${gateway.url}/twilio/whatsapp, health: ${gateway.url}/healthz)
  Sandbox:  ${sandboxUrl}
  Operator's dashboard:  ${gateway.url}/admin  (admin token: ${adminToken}; the sandbox page links to it signed in)

  Open ${sandboxUrl} in a browser, write as the customer, and watch the ticket and the reply appear.
  Press Ctrl-C to stop.
`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await gateway.stop();
  await emulator.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
gateway.child.on('exit', () => { if (!stopping) { console.error('[start] wrangler dev stopped'); shutdown(); } });

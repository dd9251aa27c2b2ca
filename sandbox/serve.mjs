// Runs the emulator on its own, in its own process (for the benchmark: the load generator
// and the emulated APIs must not share one event loop, or each slows the other's timing).
//   node sandbox/serve.mjs --port 0 --gateway-url http://127.0.0.1:8787/twilio/whatsapp
// Prints {"url": "..."} on its first line, then serves until killed.
import { parseArgs } from 'node:util';
import { createEmulator } from './emulator.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'gateway-url': { type: 'string' } } });
const emulator = createEmulator({ gatewayUrl: values['gateway-url'] });
const url = await emulator.listen(Number(values.port));
console.log(JSON.stringify({ url }));
process.on('SIGTERM', () => emulator.close().then(() => process.exit(0)));

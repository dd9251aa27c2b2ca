// The sandbox page that `npm start` serves, driven in headless Chromium (Debian's package,
// through playwright-core) as a newcomer would use it: write as the customer, see the ticket and
// the reply, answer as an agent with a PDF, see it arrive with its delivery state, and read what
// the gateway did with each message. Screenshots are kept in test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startStack, assertLogsClean, waitFor } from '../e2e/harness.mjs';
import { REPO_ROOT } from '../../sandbox/gateway.mjs';
import { SANDBOX_CHANNELS } from '../../sandbox/emulator/common.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
let stack;
let browser;
let page;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (scripts/test.sh installs Debian's chromium)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  // As `npm start` runs it: with the sandbox's second brand (docs/channels.md).
  stack = await startStack({ name: 'browser', vars: { CHANNELS: JSON.stringify(SANDBOX_CHANNELS), CSAT: 'on' } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(stack.apiUrl);
});

after(async () => {
  await browser?.close();
  if (stack) {
    await stack.stop();
    assertLogsClean(stack, ['+15550001234', '+34600000001', '+15550007777', '+15550009999']);
  }
});

const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });

async function customerWrites(text, attachment = '') {
  await page.fill('#body', text);
  await page.selectOption('#extra', attachment);
  await page.click('#send-button');
}

test('a newcomer sees a greeting answered, then a ticket and its confirmation', async () => {
  await customerWrites('hi');
  await page.locator('.bubble.in', { hasText: 'Please provide more details' }).waitFor({ timeout: 20_000 });
  await customerWrites("I can't log into my account, getting error 404");
  const row = page.locator('tr[data-ticket]').first();
  await row.waitFor({ timeout: 20_000 });
  assert.match(await row.innerText(), /I can't log into my account, getting error 404/);
  assert.match(await row.innerText(), /high/);
  await page.locator('.bubble.in', { hasText: /Ticket #\d+ created/ }).waitFor({ timeout: 20_000 });
  await page.locator('.bubble.in', { hasText: /Ticket #\d+ created/ }).locator('small', { hasText: /read|delivered/ }).waitFor({ timeout: 20_000 });
  await shot('1-ticket-and-confirmation.png');
});

test('an agent answers with a PDF and the customer receives both', async () => {
  const form = page.locator('form[data-reply]').first();
  await form.locator('input[type=text]').fill('Please reset your password with these steps.');
  await form.locator('input[type=checkbox]').check();
  await form.locator('button').click();
  await page.locator('.bubble.in', { hasText: 'Please reset your password with these steps.' }).waitFor({ timeout: 20_000 });
  await page.locator('.bubble.in', { hasText: 'instructions.pdf' }).waitFor({ timeout: 20_000 });
  await shot('2-agent-reply-with-pdf.png');
});

test('a follow-up with a photo becomes a comment with the photo attached', async () => {
  await customerWrites('Here is a screenshot of the error', 'photo');
  const row = page.locator('tr[data-ticket]').first();
  await row.locator('.comment', { hasText: 'Here is a screenshot of the error' }).waitFor({ timeout: 20_000 });
  await row.locator('.file', { hasText: '.jpg' }).waitFor({ timeout: 20_000 });
  await shot('3-follow-up-with-photo.png');
});

test('the message log says what the gateway did with each message', async () => {
  const log = page.locator('#deliveries');
  await log.locator('td.gateway-did', { hasText: /ticket #\d+ created, replied \(ticket_created\)/ }).waitFor({ timeout: 20_000 });
  await log.locator('td.gateway-did', { hasText: 'asked for more details, replied (more_details)' }).waitFor({ timeout: 20_000 });
  await log.locator('td.gateway-did', { hasText: /comment on #\d+/ }).waitFor({ timeout: 20_000 });
  assert.equal(await log.locator('tr[data-sid]').count(), 3);
  await shot('4-message-log.png');
});

test("the sandbox links to the operator's dashboard, already signed in, showing this chat", async () => {
  const link = page.locator('#dashboard');
  await link.waitFor();
  const href = await link.getAttribute('href');
  assert.match(href, /\/admin#token=/);
  // The page reads the figures when it opens, then 30 s later: longer than the waits below, so
  // its first read must find the three messages. A conversation sends its counts and its latest
  // messages at the end of the alarm that did the work the tests above saw (the comment with the
  // photo), which on a loaded machine can be later than the page's first read.
  const read = async (p) => (await fetch(`${stack.gateway.url}${p}`, { headers: { authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}` } })).json();
  await waitFor(async () => (await read('/admin/metrics')).counters?.received === 3 && (await read('/admin/messages?latest=20')).messages?.length === 3, { what: 'the three messages in the metrics and the latest list' });
  const dashboard = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await dashboard.goto(href);
    await dashboard.locator('#board').waitFor();
    const received = dashboard.locator('#tiles .tile', { hasText: 'messages received' });
    await received.locator('b', { hasText: /^3$/ }).waitFor({ timeout: 20_000 });
    await dashboard.locator('#messages tr.pick').nth(2).waitFor({ timeout: 20_000 });
    await dashboard.screenshot({ path: path.join(ARTIFACTS, '5-dashboard-from-the-sandbox.png'), fullPage: true });
  } finally {
    await dashboard.close();
  }
});

test('an example in another language is answered in it and its ticket carries the language', async () => {
  await page.click('#languages button.example:has-text("Español")');
  assert.equal(await page.inputValue('#from'), '+34600000001');
  await page.click('#send-button');
  await page.locator('.bubble.in', { hasText: /Ticket #\d+ creado: .*Te responderemos pronto\./ }).waitFor({ timeout: 20_000 });
  const row = page.locator('tr[data-ticket]', { hasText: 'mi pedido no llegó' });
  await row.locator('.tag', { hasText: 'lang_es' }).waitFor({ timeout: 20_000 });
  await shot('6-spanish-example.png');
});

test("writing to the second brand's number makes a ticket in that brand and group, answered from its number", async () => {
  await page.fill('#from', '+15550007777');
  await page.selectOption('#to', '+14155550142');
  await customerWrites('My hotel booking for Friday was cancelled and I was still charged');
  const row = page.locator('tr[data-ticket]', { hasText: 'My hotel booking for Friday' });
  await row.waitFor({ timeout: 20_000 });
  assert.match(await row.innerText(), /Acme Travel · group 2/);
  assert.match(await row.innerText(), /brand_travel/);
  const reply = await waitFor(() => stack.replies('whatsapp:+15550007777')[0], { what: 'the confirmation' });
  assert.equal(reply.from, 'whatsapp:+14155550142');
  await shot('7-second-brand.png');
});

test('an agent merges one ticket into another from the page, as Zendesk does', async () => {
  const source = stack.tickets().find((t) => t.comments[0].body.includes('mi pedido no llegó'));
  const target = stack.tickets().find((t) => t.comments[0].body.includes("I can't log into my account"));
  assert.ok(source && target, 'the Spanish ticket and the first one');
  const row = page.locator(`tr[data-ticket="${source.id}"]`);
  const form = row.locator(`form[data-merge="${source.id}"]`);
  // What the agent chose stays chosen when the page redraws (a customer writes meanwhile): the
  // other open ticket, not the first option, and the box ticked.
  const other = stack.tickets().find((t) => t.comments[0].body.includes('My hotel booking for Friday'));
  assert.ok(other, "the second brand's ticket");
  await form.locator('select').selectOption(String(other.id));
  await form.locator('input[type=checkbox]').check();
  await page.locator('h1').first().click();
  // Marked, to tell that the row was drawn anew (a redrawn select has no mark).
  await form.locator('select').evaluate((select) => { select.dataset.before = 'redraw'; });
  const sent = await page.evaluate(async () => (await (await fetch('/__sandbox/customer/send', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from: '+15550009999', body: 'hello' }) })).json()).messageSid);
  await page.locator(`#deliveries tr[data-sid="${sent}"]`).waitFor({ timeout: 20_000 });
  // The message log and the tickets are drawn together: the row is new.
  assert.equal(await form.locator('select[data-before]').count(), 0, 'the tickets were redrawn');
  assert.equal(await form.locator('select').inputValue(), String(other.id), 'the merge target chosen before the redraw');
  assert.equal(await form.locator('input[type=checkbox]').isChecked(), true, 'the notice box ticked before the redraw');
  await form.locator('input[type=checkbox]').uncheck();
  await form.locator('select').selectOption(String(target.id));
  await form.locator('button', { hasText: 'Merge' }).click();
  // The source is closed with a note naming the target; the target gets a note quoting it.
  await row.locator('td', { hasText: /^closed$/ }).waitFor({ timeout: 20_000 });
  await row.locator('.comment.note', { hasText: `was closed and merged into request #${target.id}` }).waitFor({ timeout: 20_000 });
  await page.locator(`tr[data-ticket="${target.id}"] .comment.note`, { hasText: `Request #${source.id}` }).waitFor({ timeout: 20_000 });
  assert.equal(await row.locator('form[data-merge]').count(), 0, 'a closed ticket offers no merge');
  const merged = stack.emulator.state.tickets.get(source.id);
  assert.equal(merged.status, 'closed');
  assert.equal(merged.comments.at(-1).via.channel, 'merge');
  assert.equal(stack.emulator.state.tickets.get(target.id).comments.at(-1).public, false, 'the notice is private unless the agent ticks the box');
  await shot('8-merge.png');
});

test('an agent solves a ticket from the page and the customer answers the satisfaction question with its button', async () => {
  // As `npm start` runs it: agents' changes reach the gateway as Zendesk's ticket events.
  stack.emulator.setZendeskDelivery('events');
  // The second brand's customer, whose chat the page shows.
  const ticket = stack.tickets().find((t) => t.comments[0].body.includes('My hotel booking for Friday'));
  assert.ok(ticket, "the second brand's ticket");
  const row = page.locator(`tr[data-ticket="${ticket.id}"]`);
  await row.locator(`form[data-solve="${ticket.id}"] button`).click();
  await row.locator('td', { hasText: /^solved$/ }).waitFor({ timeout: 20_000 });
  const question = page.locator('.bubble.in', { hasText: `#${ticket.id} was solved` });
  // Held 15 s after the solve (csat::QUESTION_HOLD_MS), then sent.
  await question.waitFor({ timeout: 60_000 });
  await question.locator('.quick-replies button', { hasText: 'Good' }).click();
  await page.locator('.bubble.in', { hasText: 'Thank you for your feedback!' }).waitFor({ timeout: 20_000 });
  await row.locator('.tag', { hasText: 'csat_good' }).waitFor({ timeout: 20_000 });
  await row.locator('.comment.note', { hasText: 'rated this ticket Good' }).waitFor({ timeout: 20_000 });
  assert.equal(await row.locator(`form[data-solve="${ticket.id}"] button`).isDisabled(), true, 'a solved ticket offers no Solve');
  assert.equal(stack.emulator.state.tickets.get(ticket.id).status, 'solved', 'the rating leaves it solved');
  await shot('9-csat.png');
});

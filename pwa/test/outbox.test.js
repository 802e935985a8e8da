// The offline outbox under node's own test runner, with fake-indexeddb for the
// phone's IndexedDB and a scripted fetch for the server: `npm test`.

import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';

import { IDBFactory } from 'fake-indexeddb';

import { configureOutbox, enqueue, flushOutbox, listOutbox, removeEntry, retryEntry } from '../src/outbox.js';
import { OUTBOX, setIndexedDB, withStore } from '../src/store.js';

const BASE = 'https://bianmin.test/app/';
const MINUTE = 60 * 1000;
// Two people on one phone, one at a time: who each sender is told is signed in.
const ALICE = { userId: 1, token: 'token-1' };
const BOB = { userId: 2, token: 'token-2' };
const AS_ALICE = { sender: () => ALICE };
const AS_BOB = { sender: () => BOB };
const SIGNED_OUT = { sender: () => null };

let clock;
let calls;
let answers; // one per expected request: a status, {status, body}, or 'network'

function json(status, body) {
  return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

async function fakeFetch(url, init) {
  calls.push({ url: String(url), ...init });
  const next = answers.length ? answers.shift() : 201;
  if (next === 'network') throw new TypeError('Failed to fetch');
  if (typeof next === 'number') return json(next, next < 300 ? { id: calls.length } : { error: { code: 'x', message: `答复 ${next}` } });
  return json(next.status, next.body);
}

beforeEach(() => {
  setIndexedDB(new IDBFactory()); // a fresh phone for every test
  clock = 1_000_000;
  calls = [];
  answers = [];
  configureOutbox({ now: () => clock, fetch: fakeFetch, BroadcastChannel: null });
});

function queue(fields = {}) {
  return enqueue({
    key: `key-${Math.random().toString(16).slice(2)}`,
    path: '/cases',
    body: { title: '路灯坏了' },
    owner: ALICE.userId,
    locale: 'zh-Hant',
    kind: 'case',
    label: '路灯坏了',
    ...fields,
  });
}

async function states() {
  return (await listOutbox()).map((row) => row.state);
}

describe('queueing', () => {
  test('a queued request waits in IndexedDB, in the order it was made', async () => {
    const first = await queue({ label: 'first' });
    const second = await queue({ label: 'second' });
    const rows = await listOutbox();
    assert.deepEqual(rows.map((row) => row.label), ['first', 'second']);
    assert.equal(rows[0].key, first.key);
    assert.ok(rows[0].created_at < rows[1].created_at, 'two taps in one millisecond keep their order');
    assert.deepEqual(rows.map((row) => [row.state, row.attempts]), [['waiting', 0], ['waiting', 0]]);
    assert.equal(second.method, 'POST');
    assert.equal(calls.length, 0, 'queueing alone sends nothing');
  });

  test('the user may delete a record (and only then is it gone)', async () => {
    const record = await queue();
    await removeEntry(record.key, ALICE.userId);
    assert.deepEqual(await listOutbox(), []);
  });
});

describe('sending', () => {
  test('2xx: sent once with its key, token and script, then removed', async () => {
    const record = await queue();
    answers = [201];
    const summary = await flushOutbox(BASE, AS_ALICE);
    assert.deepEqual(summary, { sent: 1, failed: 0, waiting: 0 });
    assert.equal(calls.length, 1);
    const [call] = calls;
    assert.equal(call.url, 'https://bianmin.test/app/api/v1/cases');
    assert.equal(call.method, 'POST');
    assert.equal(call.headers['Idempotency-Key'], record.key);
    assert.equal(call.headers.Authorization, 'Bearer token-1');
    assert.equal(call.headers['Accept-Language'], 'zh-Hant');
    assert.deepEqual(JSON.parse(call.body), { title: '路灯坏了' });
    assert.deepEqual(await listOutbox(), []);
  });

  test('4xx: marked failed with the server\'s message and kept, not sent again until 重新提交', async () => {
    const record = await queue();
    answers = [{ status: 409, body: { error: { code: 'case.invalid_transition', message: '事项已受理', details: {} } } }];
    assert.deepEqual(await flushOutbox(BASE, { force: true, ...AS_ALICE }), { sent: 0, failed: 1, waiting: 0 });
    let [row] = await listOutbox();
    assert.equal(row.state, 'failed');
    assert.equal(row.error, '事项已受理');
    assert.equal(row.code, 'case.invalid_transition');

    clock += 60 * MINUTE;
    await flushOutbox(BASE, { force: true, ...AS_ALICE });
    assert.equal(calls.length, 1, 'a refused request is not retried on its own');
    assert.deepEqual(await states(), ['failed']);

    await retryEntry(record.key, ALICE.userId);
    answers = [201];
    await flushOutbox(BASE, AS_ALICE);
    assert.equal(calls.length, 2);
    assert.equal(calls[1].headers['Idempotency-Key'], record.key, 'the same key: the server never stores it twice');
    [row] = await listOutbox();
    assert.equal(row, undefined);
  });

  for (const [name, answer] of [['5xx', 503], ['a network error', 'network'], ['408', 408], ['429', 429]]) {
    test(`${name}: kept waiting and retried with growing backoff`, async () => {
      await queue();
      answers = [answer];
      assert.deepEqual(await flushOutbox(BASE, AS_ALICE), { sent: 0, failed: 0, waiting: 1 });
      let [row] = await listOutbox();
      assert.equal(row.state, 'waiting');
      assert.equal(row.attempts, 1);
      assert.equal(row.next_at, clock + 30 * 1000);

      clock += 29 * 1000;
      await flushOutbox(BASE, AS_ALICE);
      assert.equal(calls.length, 1, 'not before its time');

      clock += 1000;
      answers = [answer];
      await flushOutbox(BASE, AS_ALICE);
      assert.equal(calls.length, 2);
      [row] = await listOutbox();
      assert.equal(row.attempts, 2);
      assert.equal(row.next_at, clock + MINUTE, 'the wait doubles');

      answers = [201];
      await flushOutbox(BASE, { force: true, ...AS_ALICE }); // the network came back (`online`): at once
      assert.equal(calls.length, 3);
      assert.deepEqual(await listOutbox(), []);
    });
  }

  test('the backoff stops growing at 30 minutes, and the record is never dropped', async () => {
    await queue();
    for (let round = 0; round < 12; round += 1) {
      answers = [500];
      await flushOutbox(BASE, { force: true, ...AS_ALICE });
    }
    const [row] = await listOutbox();
    assert.equal(row.state, 'waiting');
    assert.equal(row.attempts, 12);
    assert.equal(row.next_at, clock + 30 * MINUTE);
  });

  test('photos are uploaded first, each with its own key, then the request names them', async () => {
    const record = await queue({ photos: [new Blob(['a']), new Blob(['b'])] });
    answers = [{ status: 201, body: { id: 7 } }, 503];
    await flushOutbox(BASE, AS_ALICE);
    assert.deepEqual(calls.map((call) => call.url.split('/api/v1')[1]), ['/media', '/media']);
    assert.equal(calls[0].headers['Idempotency-Key'], `${record.key}-photo-0`);
    let [row] = await listOutbox();
    assert.deepEqual(row.media, [7], 'the first upload is kept across the retry');

    answers = [{ status: 201, body: { id: 8 } }, 201];
    await flushOutbox(BASE, { force: true, ...AS_ALICE });
    assert.deepEqual(calls.map((call) => call.url.split('/api/v1')[1]), ['/media', '/media', '/media', '/cases']);
    assert.equal(calls[2].headers['Idempotency-Key'], `${record.key}-photo-1`);
    assert.deepEqual(JSON.parse(calls[3].body).media, [7, 8]);
    [row] = await listOutbox();
    assert.equal(row, undefined);
  });
});

describe('chains', () => {
  const step = (action) => ({ path: '/cases/5/transitions', body: { action }, chain: 'case-5', kind: action });

  test('a later step waits while an earlier one waits for the network', async () => {
    await queue(step('start'));
    await queue(step('resolve'));
    await queue({ label: 'other case' });
    answers = ['network', 201];
    assert.deepEqual(await flushOutbox(BASE, AS_ALICE), { sent: 1, failed: 0, waiting: 2 });
    assert.deepEqual(calls.map((call) => call.url.split('/api/v1')[1]), ['/cases/5/transitions', '/cases']);
    assert.deepEqual((await listOutbox()).map((row) => row.kind), ['start', 'resolve']);

    answers = [200, 200];
    await flushOutbox(BASE, { force: true, ...AS_ALICE });
    assert.deepEqual(calls.slice(2).map((call) => JSON.parse(call.body).action), ['start', 'resolve']);
    assert.deepEqual(await listOutbox(), []);
  });

  test('a later step waits while an earlier one is refused, until the user deals with it', async () => {
    const start = await queue(step('start'));
    await queue(step('resolve'));
    answers = [409];
    await flushOutbox(BASE, { force: true, ...AS_ALICE });
    await flushOutbox(BASE, { force: true, ...AS_ALICE });
    assert.equal(calls.length, 1, 'resolve is not sent after a refused start');
    assert.deepEqual(await states(), ['failed', 'waiting']);

    await removeEntry(start.key, ALICE.userId);
    answers = [200];
    await flushOutbox(BASE, AS_ALICE);
    assert.equal(JSON.parse(calls[1].body).action, 'resolve');
    assert.deepEqual(await listOutbox(), []);
  });
});

describe('owners (a shared phone)', () => {
  const path = (call) => call.url.split('/api/v1')[1];

  test('a record needs its owner, and keeps no token', async () => {
    await assert.rejects(enqueue({ key: 'k', path: '/cases', body: {}, token: 'token-1' }), TypeError);
    await queue({ token: 'token-1' });
    const [row] = await listOutbox();
    assert.equal(row.owner, ALICE.userId);
    assert.equal('token' in row, false, 'signing out leaves no token behind in the outbox');
  });

  test('the next person neither sees, deletes nor retries the last person\'s records', async () => {
    const waiting = await queue({ label: 'Alice 的路灯' });
    const refused = await queue({ label: 'Alice 的井盖' });
    answers = ['network', 409];
    await flushOutbox(BASE, AS_ALICE);
    assert.deepEqual(await listOutbox(BOB.userId), [], 'Bob sees none of them');
    assert.equal(await removeEntry(waiting.key, BOB.userId), false);
    assert.equal(await removeEntry(refused.key, BOB.userId), false);
    assert.equal(await retryEntry(refused.key, BOB.userId), false);
    assert.equal(await removeEntry(waiting.key, undefined), false, 'no owner named: nothing deleted');
    const rows = await listOutbox(ALICE.userId);
    assert.deepEqual(rows.map((row) => [row.label, row.state]), [['Alice 的路灯', 'waiting'], ['Alice 的井盖', 'failed']]);
    assert.equal(await removeEntry(refused.key, ALICE.userId), true, 'Alice still may');
  });

  test('only the signed-in person\'s records go, with their token; the others go when their owner is back', async () => {
    const alices = await queue({ label: 'Alice 的路灯', owner: ALICE.userId });
    // Alice signs out: nothing is sent for anyone, and nothing is lost.
    assert.deepEqual(await flushOutbox(BASE, { force: true, ...SIGNED_OUT }), { sent: 0, failed: 0, waiting: 0 });
    assert.equal(calls.length, 0);
    const bobs = await queue({ label: 'Bob 的垃圾', owner: BOB.userId });
    answers = [201];
    assert.deepEqual(await flushOutbox(BASE, { force: true, ...AS_BOB }), { sent: 1, failed: 0, waiting: 0 });
    assert.equal(calls.length, 1, 'Alice\'s record is not sent under Bob');
    assert.equal(calls[0].headers['Idempotency-Key'], bobs.key);
    assert.equal(calls[0].headers.Authorization, 'Bearer token-2');
    const [left] = await listOutbox();
    assert.deepEqual([left.key, left.state, left.attempts], [alices.key, 'waiting', 0]);

    // Alice signs in again (a new token): her record goes, once, with that token.
    const back = { sender: () => ({ userId: ALICE.userId, token: 'token-1-new' }) };
    answers = [201];
    assert.deepEqual(await flushOutbox(BASE, { force: true, ...back }), { sent: 1, failed: 0, waiting: 0 });
    await flushOutbox(BASE, { force: true, ...back });
    assert.equal(calls.length, 2);
    assert.equal(calls[1].headers['Idempotency-Key'], alices.key);
    assert.equal(calls[1].headers.Authorization, 'Bearer token-1-new');
    assert.deepEqual(await listOutbox(), []);
  });

  test('one person\'s held chain does not hold another\'s', async () => {
    await queue({ path: '/slots/pattern', chain: 'slots', owner: ALICE.userId, label: 'Alice' });
    await queue({ path: '/slots/pattern', chain: 'slots', owner: BOB.userId, label: 'Bob' });
    answers = [201];
    assert.deepEqual(await flushOutbox(BASE, AS_BOB), { sent: 1, failed: 0, waiting: 0 });
    assert.deepEqual((await listOutbox()).map((row) => row.label), ['Alice']);
  });

  test('401 (the owner\'s session ended on the way): kept waiting for their next sign-in, not failed', async () => {
    await queue();
    answers = [401];
    assert.deepEqual(await flushOutbox(BASE, { force: true, ...AS_ALICE }), { sent: 0, failed: 0, waiting: 1 });
    const [row] = await listOutbox();
    assert.equal(row.state, 'waiting');
    answers = [201];
    await flushOutbox(BASE, { force: true, sender: () => ({ userId: ALICE.userId, token: 'token-1-new' }) });
    assert.deepEqual(await listOutbox(), []);
  });

  test('records from before owners go to whoever their own token belongs to; an unknown one to no one', async () => {
    const legacy = (key, token, label) => ({
      key, path: '/cases', body: { title: label }, token, locale: 'zh-Hans', kind: 'case', label,
      method: 'POST', photos: [], media: [], state: 'waiting', attempts: 0, next_at: 0, error: null, created_at: clock,
    });
    await withStore(OUTBOX, 'readwrite', (store) => {
      store.put(legacy('old-alice', 'token-1', 'Alice 的'));
      store.put(legacy('old-bob', 'token-2', 'Bob 的（同一个令牌）'));
      store.put(legacy('old-bob-earlier', 'token-2-old', 'Bob 的（旧令牌）'));
      return store.put(legacy('old-nobody', 'token-dead', '不知是谁的'));
    });
    // Bob is signed in when the new version first runs.
    answers = [{ status: 200, body: { id: ALICE.userId } }, { status: 200, body: { id: BOB.userId } }, 401, 201, 201];
    await flushOutbox(BASE, { force: true, ...AS_BOB });
    const asked = calls.filter((call) => path(call) === '/me');
    assert.deepEqual(asked.map((call) => call.headers.Authorization), ['Bearer token-1', 'Bearer token-2-old', 'Bearer token-dead'],
      'the server is asked whose each other token is, with that token; Bob\'s own needs no question');
    const sent = calls.filter((call) => call.method === 'POST');
    assert.deepEqual(sent.map((call) => [call.headers['Idempotency-Key'], call.headers.Authorization]).sort(),
      [['old-bob', 'Bearer token-2'], ['old-bob-earlier', 'Bearer token-2']]);
    const rows = await listOutbox();
    assert.deepEqual(rows.map((row) => [row.key, row.owner]).sort(), [['old-alice', ALICE.userId], ['old-nobody', null]]);
    assert.ok(rows.every((row) => !('token' in row)), 'no old token is kept');
    assert.deepEqual(await listOutbox(BOB.userId), []);

    // Alice's goes when she signs in; the unknown one stays, shown to no one, never sent.
    answers = [201];
    await flushOutbox(BASE, { force: true, ...AS_ALICE });
    assert.deepEqual(calls.slice(-1).map((call) => [call.headers['Idempotency-Key'], call.headers.Authorization]), [['old-alice', 'Bearer token-1']]);
    assert.deepEqual((await listOutbox()).map((row) => [row.key, row.owner]), [['old-nobody', null]]);
    assert.deepEqual(await listOutbox(ALICE.userId), []);
  });

  test('offline, a record from before owners waits to be placed, and is sent for no one meanwhile', async () => {
    await withStore(OUTBOX, 'readwrite', (store) => store.put({
      key: 'old', path: '/cases', body: {}, token: 'token-1', label: 'x', kind: 'case', method: 'POST',
      photos: [], media: [], state: 'waiting', attempts: 0, next_at: 0, error: null, created_at: clock,
    }));
    answers = ['network'];
    await flushOutbox(BASE, { force: true, ...AS_BOB });
    assert.equal(calls.length, 1);
    const [row] = await listOutbox();
    assert.equal(row.owner, undefined);
    answers = [{ status: 200, body: { id: ALICE.userId } }];
    await flushOutbox(BASE, { force: true, ...AS_BOB });
    assert.equal((await listOutbox())[0].owner, ALICE.userId);
    assert.equal(calls.length, 2, 'not sent under Bob');
  });
});

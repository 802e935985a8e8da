// The case clock's wording (src/clock.js) against the real locale files and answers
// shaped like the server's (docs/DESIGN.md, "The case clock"): `npm test`.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import {
  limitText, pauseText, remainingText, startsOnParts, startsOnText, urgentFirst,
} from '../src/clock.js';
import { createTranslator } from '../src/i18n.js';

const messages = (locale) => JSON.parse(readFileSync(new URL(`../../locales/${locale}.json`, import.meta.url), 'utf8'));
const hans = createTranslator(messages('zh-Hans'));
const hant = createTranslator(messages('zh-Hant'));

// A POST /cases answer filed on Saturday 2 January 2027, as the server states it.
const FILED_ON_SATURDAY = { id: 7, receipt_no: 'BM20270102-0007', status: 'submitted', handling_starts_on: '2027-01-04' };

describe('the off-hours start day', () => {
  test('names the weekday and the date in each script', () => {
    assert.equal(startsOnText(hans, FILED_ON_SATURDAY.handling_starts_on, 'zh-Hans'), '周一（1月4日）开始受理');
    assert.equal(startsOnText(hant, FILED_ON_SATURDAY.handling_starts_on, 'zh-Hant'), '週一（1月4日）開始受理');
  });

  test('says nothing when the case was filed within working hours', () => {
    assert.equal(startsOnText(hans, null, 'zh-Hans'), null);
    assert.equal(startsOnText(hans, undefined, 'zh-Hans'), null);
  });

  test('is the same calendar day on a phone west of Greenwich', () => {
    // Read at noon UTC: no clock from UTC-11 to UTC+14 moves it to another day.
    assert.deepEqual(startsOnParts('2027-02-17', 'zh-Hans'), { weekday: '周三', date: '2月17日' });
  });
});

describe('what is left of the time limit', () => {
  const base = { urgent: false, overdue: false, paused: false, time_limit_days: 15, time_limit_hours: null };

  test('working days, the last day, and overdue', () => {
    assert.equal(remainingText(hans, { ...base, remaining_working_days: 3 }), '还剩3个工作日');
    assert.equal(remainingText(hans, { ...base, remaining_working_days: 0 }), '今天是最后一个工作日');
    assert.equal(remainingText(hans, { ...base, overdue: true, remaining_working_days: null }), '已超过办结期限');
  });

  test('hours for an urgent case, and a paused clock says what is left once it runs again', () => {
    const urgent = { ...base, urgent: true, time_limit_hours: 24, remaining_hours: 5, remaining_working_days: null };
    assert.equal(remainingText(hant, urgent), '還剩5小時');
    assert.equal(limitText(hans, urgent), '24小时内办结（加急）');
    assert.equal(remainingText(hans, { ...base, paused: true, remaining_working_days: 4 }), '计时暂停中，恢复后还剩4个工作日');
  });

  test('nothing before acceptance or after the case is closed', () => {
    assert.equal(remainingText(hans, { ...base, remaining_working_days: null, remaining_hours: null }), null);
  });
});

describe('pauses', () => {
  test('an ended pause says its span and the working days it moved the deadline', () => {
    const pause = { started_at: '2027-01-08T02:00:00Z', ended_at: '2027-01-11T07:30:00Z', working_days: 1, hours: null };
    assert.deepEqual(pauseText(hans, pause, 'zh-Hans'), { span: '2027年1月8日 10:00 至 2027年1月11日 15:30', cost: '顺延1个工作日' });
    assert.equal(pauseText(hans, { ...pause, working_days: 0 }, 'zh-Hans').cost, '当天恢复，期限不变');
  });

  test('a running pause has no end yet', () => {
    const pause = { started_at: '2027-01-08T02:00:00Z', ended_at: null, working_days: null, hours: null };
    assert.deepEqual(pauseText(hant, pause, 'zh-Hant'), { span: '2027年1月8日 10:00 起', cost: '暫停中' });
  });
});

test('urgent cases lead, the rest keep the server order', () => {
  const items = [{ id: 1 }, { id: 2, urgent: true }, { id: 3 }, { id: 4, urgent: true }];
  assert.deepEqual(urgentFirst(items).map((item) => item.id), [2, 4, 1, 3]);
});

// Sign-in by phone number and a one-time code sent by SMS.

import { useEffect, useRef, useState } from 'preact/hooks';

import { ApiError, NetworkError } from '../http.js';
import { useApp, useDocumentTitle } from '../context.js';
import { formatPhone, normalizeDigits, normalizePhone } from '../phone.js';
import { CaseLookup } from './lookup.jsx';
import { Feedback, useAction } from '../action.jsx';
import { deviceKey } from '../device.js';

const PHONE_PATTERN = /^1\d{10}$/;
const CODE_PATTERN = /^\d{6}$/;
const DEFAULT_EXPIRES_IN = 300;
const DEFAULT_RESEND_AFTER = 60;

export function SignInScreen() {
  const { t, api, signIn } = useApp();
  useDocumentTitle(t('signin.title'));

  const [step, setStep] = useState('phone'); // 'phone' → 'code'
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  // Her own phone stays signed in for months; a shared one forgets her by the next day.
  const [remember, setRemember] = useState(true);
  // One answer line, under the field of the step on screen; busy: 'send' or 'login'.
  const { busy, message, error, run, fail } = useAction({ describe: describeFailure });
  const [sentTo, setSentTo] = useState(null); // {phone, minutes} for the 验证码已发送 line
  const [cooldown, setCooldown] = useState(null); // {phone, until}: when a new code may be asked for
  const secondsLeft = useCountdown(cooldown ? cooldown.until : 0);

  const phoneInput = useRef(null);
  const codeInput = useRef(null);
  useEffect(() => {
    const input = step === 'code' ? codeInput.current : phoneInput.current;
    if (input && (step === 'code' || error)) input.focus();
  }, [step, message]); // eslint-disable-line react-hooks/exhaustive-deps -- each new line (even the same words again) brings the eyes back to the field

  const waitFor = (number) => (cooldown && cooldown.phone === number && secondsLeft > 0 ? secondsLeft : 0);

  function describeFailure(failure) {
    if (failure instanceof NetworkError) return t('signin.network_error');
    if (failure instanceof ApiError && failure.serverMessage) return failure.serverMessage;
    if (failure instanceof ApiError && failure.status >= 500) return t('error.internal');
    return t('signin.network_error');
  }

  function startCooldown(number, seconds) {
    if (seconds > 0) setCooldown({ phone: number, until: Date.now() + seconds * 1000 });
  }

  async function requestCode(number) {
    const result = await run(
      () => api('/auth/otp', { method: 'POST', body: { phone: number, device_key: deviceKey() } }).catch((failure) => {
        if (failure instanceof ApiError && failure.status === 429) startCooldown(number, failure.retryAfter || 0);
        throw failure;
      }),
      { busy: 'send' },
    );
    if (!result) return;
    setPhone(number);
    setCode('');
    setSentTo({ phone: number, minutes: Math.ceil((result.expires_in || DEFAULT_EXPIRES_IN) / 60) });
    startCooldown(number, result.resend_after || DEFAULT_RESEND_AFTER);
    setStep('code');
  }

  function onSubmitPhone(event) {
    event.preventDefault();
    const number = normalizePhone(phone);
    if (!PHONE_PATTERN.test(number)) {
      fail(t('error.auth.phone_invalid'));
      return;
    }
    requestCode(number);
  }

  async function onSubmitCode(event) {
    event.preventDefault();
    const digits = normalizeDigits(code).replace(/\D/g, '');
    if (!CODE_PATTERN.test(digits)) {
      fail(t('signin.code_invalid'));
      return;
    }
    const body = { phone, code: digits, device_key: deviceKey(), remember };
    const result = await run(() => api('/auth/login', { method: 'POST', body }), { busy: 'login' });
    if (result) signIn(result);
  }

  function onChangePhone() {
    setStep('phone');
    setCode('');
    fail(null);
    setSentTo(null);
  }

  // The line is always about the step on screen (a failed resend: the code step's).
  const phoneError = Boolean(error) && step === 'phone';
  const codeError = Boolean(error) && step === 'code';
  const phoneWait = waitFor(normalizePhone(phone));
  const resendWait = waitFor(phone);
  // Right under the field, where eyes are; role=alert reads it out at once.
  const errorRegion = <Feedback id="signin-error" error={error} />;

  return (
    <section class="screen signin" aria-labelledby="signin-title">
      <h1 id="signin-title" tabIndex={-1}>{t('signin.title')}</h1>
      <p class="lead">{t('signin.intro')}</p>

      {step === 'phone' ? (
        <form class="form" onSubmit={onSubmitPhone} noValidate>
          <div class="field">
            <label for="signin-phone">{t('signin.phone_label')}</label>
            <input
              id="signin-phone"
              ref={phoneInput}
              class="input input-phone"
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              name="phone"
              maxLength={20}
              placeholder={t('signin.phone_placeholder')}
              value={phone}
              onInput={(event) => setPhone(event.currentTarget.value)}
              aria-invalid={String(Boolean(phoneError))}
              aria-describedby={phoneError ? 'signin-error' : undefined}
            />
          </div>
          {errorRegion}
          <button type="submit" class="button button-primary button-wide" disabled={Boolean(busy) || phoneWait > 0}>
            {busy === 'send' ? t('signin.sending') : phoneWait > 0 ? t('signin.resend_in', { seconds: phoneWait }) : t('signin.send_code')}
          </button>
        </form>
      ) : (
        <form class="form" onSubmit={onSubmitCode} noValidate>
          {sentTo && (
            <p class="notice">{t('signin.code_sent', { phone: formatPhone(sentTo.phone), minutes: sentTo.minutes })}</p>
          )}
          <div class="field">
            <label for="signin-code">{t('signin.code_label')}</label>
            <input
              id="signin-code"
              ref={codeInput}
              class="input input-code"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              name="code"
              maxLength={6}
              placeholder={t('signin.code_placeholder')}
              value={code}
              onInput={(event) => setCode(event.currentTarget.value)}
              aria-invalid={String(Boolean(codeError))}
              aria-describedby={codeError ? 'signin-error' : undefined}
            />
          </div>
          <div class="choices">
            <label class="choice">
              <input
                id="signin-remember"
                type="checkbox"
                checked={remember}
                onChange={(event) => setRemember(event.currentTarget.checked)}
                aria-describedby="signin-remember-hint"
              />
              {t('signin.remember')}
            </label>
            <p id="signin-remember-hint" class="meta">{t('signin.remember_hint')}</p>
          </div>
          {errorRegion}
          <button type="submit" class="button button-primary button-wide" disabled={Boolean(busy)}>
            {busy === 'login' ? t('signin.signing_in') : t('signin.submit')}
          </button>
          <div class="actions">
            <button
              type="button"
              class="button button-secondary"
              disabled={Boolean(busy) || resendWait > 0}
              onClick={() => requestCode(phone)}
            >
              {busy === 'send' ? t('signin.sending') : resendWait > 0 ? t('signin.resend_in', { seconds: resendWait }) : t('signin.resend')}
            </button>
            <button type="button" class="button button-link" onClick={onChangePhone} disabled={Boolean(busy)}>
              {t('signin.change_phone')}
            </button>
          </div>
        </form>
      )}

      {step === 'phone' && <CaseLookup />}
    </section>
  );
}

/** Seconds until `until` (a Date.now() value), ticking once a second; 0 when passed. */
function useCountdown(until) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    setNow(Date.now());
    if (until <= Date.now()) return undefined;
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= until) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [until]);
  return Math.max(0, Math.ceil((until - now) / 1000));
}

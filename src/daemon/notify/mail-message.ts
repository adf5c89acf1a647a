/**
 * The message of a `mail:` notifier (issue 16.1), as cron's MAILTO sends one: RFC 5322 headers,
 * a blank line, a plain-text UTF-8 body with the facts and the output tail, for `sendmail -t -oi`.
 * No header can be injected: every header value has its line breaks and control characters
 * removed, and a non-ASCII Subject is an RFC 2047 encoded word.
 */
import { hostname } from 'node:os';
import { escapeControl } from '../../escape-control.js';
import { summarizeAlert, type AlertFacts } from './facts.js';

/** RFC 5322 2.1.1: a line is at most 998 characters; longer output lines are broken. */
const MAX_LINE = 998;

/** The whole message, LF line endings (sendmail's local convention). */
export function composeAlertMail(to: string, facts: AlertFacts, now: number = Date.now()): string {
  const subject = summarizeAlert(facts);
  const headers = [
    `To: ${headerValue(to)}`,
    `Subject: ${encodeHeader(headerValue(subject))}`,
    `Date: ${formatMailDate(now)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    `X-Taskkit-Event: ${headerValue(facts.event)}`,
    `X-Taskkit-Task: ${encodeHeader(headerValue(facts.task))}`,
  ];
  return `${headers.join('\n')}\n\n${composeBody(facts, subject)}`;
}

function composeBody(facts: AlertFacts, subject: string): string {
  const { run } = facts;
  const lines = [
    subject,
    '',
    `event:    ${facts.event}`,
    `task:     ${facts.task}`,
    `host:     ${hostname()}`,
    `at:       ${new Date(facts.at).toISOString()}`,
  ];
  if (run !== null) {
    lines.push(`run:      #${run.id}`, `status:   ${run.status}`);
    if (run.exitCode !== null) lines.push(`exit:     ${run.exitCode}`);
  }
  lines.push(`failures: ${facts.failures} consecutive`);
  if (facts.overdueSince !== null) lines.push(`overdue since: ${new Date(facts.overdueSince).toISOString()}`);
  if (facts.outputTail.length > 0) {
    lines.push('', `Output (last ${facts.outputTail.length} bytes):`, '');
    // Bytes a terminal or a mail reader would act on become visible escapes; lines stay lines.
    const text = escapeControl(facts.outputTail.toString('utf8'), { keepNewlines: true }).replace(/\t/g, '    ');
    for (const line of text.split('\n')) lines.push(...breakLine(line));
  }
  return `${lines.join('\n')}\n`;
}

/** One header value on one line: CR, LF and other controls removed (no injected header). */
export function headerValue(value: string): string {
  return escapeControl(value.replace(/[\r\n]+/g, ' '));
}

/** ASCII as is; anything else as an RFC 2047 UTF-8 base64 encoded word. */
function encodeHeader(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** RFC 5322 3.3: "Thu, 03 Dec 2026 07:37:41 +0000". */
export function formatMailDate(at: number): string {
  return new Date(at).toUTCString().replace(/GMT$/, '+0000');
}

function breakLine(line: string): string[] {
  if (line.length <= MAX_LINE) return [line];
  const parts: string[] = [];
  for (let start = 0; start < line.length; start += MAX_LINE) parts.push(line.slice(start, start + MAX_LINE));
  return parts;
}

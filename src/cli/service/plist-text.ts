/**
 * The launchd property list `taskkit service install` writes on macOS: a LaunchAgent (the user's,
 * started at login) or, with --system, a LaunchDaemon (at boot). launchd has no readiness protocol
 * and no reload command: `launchctl bootstrap` returns once the process is spawned, and
 * `taskkit reload` (or `kill -HUP`) reloads the tasks file.
 */
import type { ServiceDefinition } from './definition.js';

export function renderPlist(definition: ServiceDefinition, label: string, logFile: string): string {
  const strings = (values: readonly string[]): string[] => values.map((value) => `\t\t<string>${xml(value)}</string>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- Written by taskkit service install (taskkit ${comment(definition.version)}) -->`,
    `<!-- for ${comment(definition.tasksFile)} -->`,
    '<plist version="1.0">',
    '<dict>',
    '\t<key>Label</key>',
    `\t<string>${xml(label)}</string>`,
    '\t<key>ProgramArguments</key>',
    '\t<array>',
    ...strings(definition.argv),
    '\t</array>',
    '\t<key>RunAtLoad</key>',
    '\t<true/>',
    // Restart=on-failure: started again when it exits with an error, not after a clean stop.
    '\t<key>KeepAlive</key>',
    '\t<dict>',
    '\t\t<key>SuccessfulExit</key>',
    '\t\t<false/>',
    '\t</dict>',
    // SIGTERM, then the shutdown grace plus a margin before SIGKILL.
    '\t<key>ExitTimeOut</key>',
    `\t<integer>${definition.stopTimeoutSeconds}</integer>`,
    ...(definition.runAs === null ? [] : ['\t<key>UserName</key>', `\t<string>${xml(definition.runAs)}</string>`]),
    // The foreground daemon logs to stderr; launchd keeps no journal.
    '\t<key>StandardOutPath</key>',
    `\t<string>${xml(logFile)}</string>`,
    '\t<key>StandardErrorPath</key>',
    `\t<string>${xml(logFile)}</string>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** An XML comment may not hold `--`. */
function comment(text: string): string {
  return xml(text).replace(/-(?=-)/g, '- ');
}

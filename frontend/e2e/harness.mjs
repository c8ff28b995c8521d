// Starts the real Go backend serving the real frontend (`sellerdesk serve-web`)
// and a headless Chromium driven by Playwright. Loopback only.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'

export const root = resolve(import.meta.dirname, '..', '..')
export const bin = process.env.SELLERDESK_BIN || join(root, 'build', 'bin', 'sellerdesk')

const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p) => spawnSync('test', ['-x', p]).status === 0,
)

// Runs `sellerdesk ARGS` until a line matching `ready` appears; returns the match.
export function startProcess(args, env, ready) {
  const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const matched = new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no "${ready}" from sellerdesk ${args.join(' ')}:\n${out}`)), 20000)
    const onData = (d) => {
      out += d
      const m = out.match(ready)
      if (m) {
        clearTimeout(timer)
        res(m)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (d) => (out += d))
    child.on('exit', (code) => rej(new Error(`sellerdesk ${args.join(' ')} exited ${code}:\n${out}`)))
  })
  const exited = new Promise((res) => child.once('exit', res))
  // Stops the process and waits for it to exit (at most 10 s): it saves the
  // sandbox's state as it goes, so its folder is removed only after that.
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill()
    await Promise.race([exited, new Promise((res) => setTimeout(res, 10000))])
  }
  return { child, matched, output: () => out, stop }
}

// What `serve-web` prints: its URL, used as is. It carries the run's token
// (?token=...); without it the bridge serves neither the page nor the API.
export const webUI = /web UI: (http:\/\/\S+)\r?\n/

// Calls a bound method as the page does: the token from the printed URL in
// the X-SellerDesk-Token header, the call as application/json.
export async function apiCall(url, name, args = []) {
  const u = new URL(url)
  const r = await fetch(new URL('/api/call', u), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sellerdesk-token': u.searchParams.get('token') ?? '' },
    body: JSON.stringify({ name, args }),
  })
  const j = await r.json()
  if (!r.ok) throw new Error(`${name}: ${r.status} ${j.code ?? ''} ${j.error}`)
  return j.result
}

// A private SellerDesk folder and AWS files; `profiles` is the config text.
export function makeHome(config = '', credentials = '') {
  const dir = mkdtempSync(join(tmpdir(), 'sellerdesk-e2e-'))
  writeFileSync(join(dir, 'config'), config)
  writeFileSync(join(dir, 'credentials'), credentials)
  return {
    dir,
    env: {
      SELLERDESK_HOME: join(dir, 'home'),
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_PROFILE: '',
      AWS_ENDPOINT_URL: '',
    },
    // Retries: a process that was just stopped may still be closing a file in it.
    cleanup: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }),
  }
}

export async function launchBrowser() {
  if (!chromiumPath) throw new Error('Chromium is not installed: run `make test` (it installs the chromium package)')
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

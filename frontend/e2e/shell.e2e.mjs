// Browser end-to-end test of the app shell: the real frontend in Chromium,
// the real Go services behind it, the embedded sandbox behind those.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { root, startProcess, makeHome, launchBrowser, webUI } from './harness.mjs'

let sandbox, web, browser, home

before(async () => {
  // A second, independent sandbox plays "the customer's AWS account" for a
  // real profile, so switching to a profile goes through the SDK's own
  // profile loading, with only the endpoint pointing at loopback.
  home = makeHome()
  sandbox = startProcess(['sandbox', '--addr', '127.0.0.1:0', '--scenario', 'not-seller'], home.env, /Endpoint: (http:\/\/127\.0\.0\.1:\d+)/)
  const [, endpoint] = await sandbox.matched
  const { writeFileSync } = await import('node:fs')
  writeFileSync(home.env.AWS_CONFIG_FILE, `[profile demo-seller]\nregion = us-east-1\nendpoint_url = ${endpoint}\n`)
  writeFileSync(home.env.AWS_SHARED_CREDENTIALS_FILE, `[demo-seller]\naws_access_key_id = AKIAEXAMPLEDEMO\naws_secret_access_key = not-a-real-secret\n`)
  web = startProcess(['serve-web', '--sandbox', 'fresh', '--addr', '127.0.0.1:0'], home.env, webUI)
  await web.matched
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await web?.stop()
  await sandbox?.stop()
  home?.cleanup()
})

test('opens on the sandbox, shows its identity and the tiles, then switches to a real profile in one click', async () => {
  const [, url] = await web.matched
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 })

  await assert.doesNotReject(page.getByTestId('sandbox-badge').waitFor({ state: 'visible' }))
  assert.match(await page.getByTestId('sandbox-badge').innerText(), /Sandbox — offline/)
  assert.match(await page.title(), /Sandbox — offline/)
  await page.getByTestId('identity-account').filter({ hasText: '111122223333' }).waitFor({ timeout: 10000 })
  for (const id of ['tile-seller', 'tile-role', 'tile-cas', 'tile-sdds', 'tile-notifications']) {
    assert.ok(await page.getByTestId(id).isVisible(), `${id} visible`)
  }
  await page.screenshot({ path: join(root, 'build', 'bin', 'e2e-shell.png') })

  // Switch to the AWS profile: one choice in the picker (a native select:
  // its option list is the OS's, so the choice is made as the keyboard would).
  const picker = page.getByTestId('target-picker')
  const profile = picker.locator('optgroup[label="AWS profiles"] option', { hasText: 'demo-seller' })
  assert.equal(await profile.count(), 1, 'the profile is listed once, under AWS profiles')
  assert.equal(await profile.isDisabled(), false)
  await picker.selectOption(await profile.getAttribute('value'))
  await page.getByTestId('identity-account').filter({ hasText: '444455556666' }).waitFor({ timeout: 15000 })
  assert.equal(await page.getByTestId('sandbox-badge').count(), 0, 'no sandbox badge on a real profile')
  assert.deepEqual(errors, [])
})

test('opening again shows the last target and identity from the cache at once', async () => {
  const [, url] = await web.matched
  const page = await browser.newPage()
  await page.goto(url)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 })
  // The service keeps its state for the process; a reload must not lose it.
  await page.getByTestId('identity-account').filter({ hasText: '444455556666' }).waitFor({ timeout: 5000 })
})

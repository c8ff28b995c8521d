// Browser end-to-end test of the onboarding launch: review → acknowledge →
// create → the timeline runs → Connected; and the rollback scenario → Error.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { root, startProcess, makeHome, launchBrowser, webUI } from './harness.mjs'

let browser
const servers = []

before(async () => {
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  // Every server is stopped, then every folder removed; one that fails does
  // not leave the others running (they would keep the test process alive).
  await Promise.all(servers.map((s) => s.web.stop()))
  for (const s of servers) {
    try {
      s.home.cleanup()
    } catch (e) {
      console.error(`could not remove ${s.home.dir}: ${e.message}`)
    }
  }
})

async function openOn(scenario) {
  const home = makeHome()
  const web = startProcess(['serve-web', '--sandbox', scenario, '--time-scale', '300', '--addr', '127.0.0.1:0'], home.env, webUI)
  servers.push({ home, web })
  const [, url] = await web.matched
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 })
  return { page, errors }
}

async function fillAndCreate(page) {
  await page.getByTestId('launch-open').click()
  const create = page.getByTestId('create-stack')
  await create.waitFor({ state: 'visible' })
  await page.getByTestId('param-partner-account').fill('12345')
  // Inline validation names the rule before anything is sent.
  await page.getByText('exactly 12 digits').first().waitFor({ timeout: 5000 })
  assert.ok(await create.isDisabled(), 'Create stack is disabled while the form is invalid')
  await page.getByTestId('param-partner-account').fill('123456789012')
  await page.getByTestId('param-external-id').fill('sellerdesk-e2e-external-id')
  await page.waitForTimeout(600) // debounced validation
  assert.ok(await create.isDisabled(), 'Create stack is disabled until the IAM acknowledgement is ticked')
  await page.getByTestId('ack-iam').click()
  await page.waitForFunction(() => !document.querySelector('[data-testid="create-stack"]')?.hasAttribute('disabled'), null, { timeout: 5000 })
  await create.click()
}

test('review, acknowledge and create on the sandbox: the timeline runs to Connected', async () => {
  const { page, errors } = await openOn('fresh')
  await page.getByTestId('launch-open').waitFor()
  await page.getByTestId('launch-open').click()
  // The review lists what the template creates, in plain words.
  await page.getByText('PartnerRole', { exact: false }).first().waitFor()
  await page.keyboard.press('Escape')
  await fillAndCreate(page)
  await page.getByTestId('event-row').first().waitFor({ timeout: 20000 })
  await page.getByTestId('stack-phase').filter({ hasText: 'Connected' }).first().waitFor({ timeout: 60000 })
  assert.ok((await page.getByTestId('event-row').count()) > 20, 'the timeline shows the stack events')
  await page.screenshot({ path: join(root, 'build', 'bin', 'e2e-launch-connected.png') })

  // The tiles (issue 12): CAS is legacy (no toggle); SDDS's checks run on their
  // own; "Enrolled" is the user's word, so SDDS waits for AWS's first delivery.
  await page.keyboard.press('Escape')
  await page.getByTestId('launch-close').click().catch(() => {})
  assert.equal(await page.getByTestId('cas-enrolled').count(), 0, 'the legacy CAS tile has no Enrolled switch')
  await page.getByTestId('sdds-enrolled').click()
  await page.getByTestId('tile-sdds').getByText("Enrolled (your word) · checks pass · waiting for AWS's first delivery").waitFor({ timeout: 30000 })
  await page.getByTestId('overall-progress').filter({ hasText: '3 of 4 required connected · CAS legacy' }).waitFor({ timeout: 30000 })
  assert.ok((await page.getByTestId('tile-cas').getByTestId('check-row').count()) >= 3, 'CAS checks shown one per line')
  await page.screenshot({ path: join(root, 'build', 'bin', 'e2e-tiles-connected.png'), fullPage: true })
  assert.deepEqual(errors, [])
})

test('cas-broken shows Error naming the failing check', async () => {
  const { page } = await openOn('cas-broken')
  // Nothing ticked: AWS's state already shows the failure.
  await page.getByTestId('tile-cas').getByTestId('check-row').filter({ hasText: 'topic' }).first().waitFor({ timeout: 30000 })
  const failed = page.getByTestId('tile-cas').locator('[data-testid="check-row"][data-status="failed"]')
  await failed.filter({ hasText: 'CAS topic exists and its policy allows publishing' }).waitFor()
})

test('the rollback scenario ends in Error with the failing resource and its reason', async () => {
  const { page } = await openOn('rollback')
  await fillAndCreate(page)
  await page.getByTestId('stack-phase').filter({ hasText: 'Error' }).first().waitFor({ timeout: 60000 })
  await page.getByTestId('failure-plain').filter({ hasText: 'already exists' }).waitFor()
  await page.getByTestId('failure-resource').filter({ hasText: 'Bucket' }).waitFor()
  await page.getByTestId('rolled-back').waitFor()
  await page.screenshot({ path: join(root, 'build', 'bin', 'e2e-launch-error.png') })

  // Retry opens the form with the failed attempt's values and marks the bucket
  // the failure points at; names of our own make the stack complete.
  await page.getByTestId('retry-stack').click()
  await page.getByTestId('retry-banner').waitFor({ timeout: 10000 })
  assert.equal(await page.getByTestId('param-partner-account').inputValue(), '123456789012')
  await page.locator('[data-testid^="pointed-"]').first().waitFor()
  await page.getByTestId('param-cas-bucket').fill('acme-e2e-cas-reports')
  await page.getByTestId('param-sdds-bucket').fill('acme-e2e-seller-feeds')
  await page.getByTestId('ack-iam').click()
  await page.waitForFunction(() => !document.querySelector('[data-testid="create-stack"]')?.hasAttribute('disabled'), null, { timeout: 5000 })
  assert.equal((await page.getByTestId('create-stack').textContent()).trim(), 'Delete and create again')
  await page.getByTestId('create-stack').click()
  await page.getByTestId('stack-phase').filter({ hasText: 'Connected' }).first().waitFor({ timeout: 90000 })
  await page.getByTestId('previous-attempt').waitFor()
  await page.getByTestId('event-filter').first().fill('bucket')
  assert.ok((await page.getByTestId('event-row').count()) > 0, 'the events filter keeps the bucket events')
  await page.screenshot({ path: join(root, 'build', 'bin', 'e2e-launch-retried.png') })

  // Reset restores the scenario: the stack is gone, and the tile offers a launch again.
  await page.getByTestId('details-close').click()
  await page.getByTestId('reset-scenario').click()
  await page.getByTestId('reset-confirm').click()
  await page.getByTestId('launch-open').waitFor({ timeout: 30000 })
})

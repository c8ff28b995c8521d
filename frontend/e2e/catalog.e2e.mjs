// Browser end-to-end test of the Catalog screen on the sandbox, against the
// real Go backend: browse entities, tag one, bulk-tag fifty with progress,
// start and watch a tagged change set, build a tag-conditioned policy and
// see the lint catch a broken one, create the resale role twice. The AWS CLI
// (an outside judge) reads the same sandbox and must agree with the window.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startProcess, makeHome, launchBrowser, webUI, apiCall } from './harness.mjs'

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

async function openCatalog(scenario, timeScale = '20') {
  const home = makeHome()
  const env = { ...home.env, SELLERDESK_SAVE_DIR: home.dir }
  const web = startProcess(['serve-web', '--sandbox', scenario, '--time-scale', timeScale, '--addr', '127.0.0.1:0'], env, webUI)
  servers.push({ home, web })
  const [, url] = await web.matched
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 })
  await page.getByTestId('nav-catalog').click()
  await page.getByTestId('entity-row').first().waitFor({ timeout: 30000 })
  return { page, errors, url, home }
}

// The sandbox endpoint the window uses, asked of the real backend.
async function endpointOf(url) {
  return (await apiCall(url, 'app.Session.State')).target.endpoint
}

const hasAwsCli = spawnSync('aws', ['--version']).status === 0

function awsCli(endpoint, args) {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'sandbox', AWS_SECRET_ACCESS_KEY: 'sandbox', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }
  delete env.AWS_PROFILE
  delete env.AWS_DEFAULT_PROFILE
  const r = spawnSync('aws', ['--endpoint-url', endpoint, '--region', 'us-east-1', '--output', 'json', ...args], { env, encoding: 'utf8' })
  assert.equal(r.status, 0, `aws ${args.join(' ')}: ${r.stderr}`)
  return JSON.parse(r.stdout)
}

function tagsByCli(endpoint, arn) {
  const out = awsCli(endpoint, ['marketplace-catalog', 'list-tags-for-resource', '--resource-arn', arn])
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key, t.Value]))
}

test('browse, tag one, bulk-tag fifty; the AWS CLI agrees', { timeout: 120000 }, async () => {
  const { page, errors, url } = await openCatalog('connected')
  const endpoint = await endpointOf(url)

  // Browse: filter to offers, search, sort.
  const total = Number((await page.getByTestId('entities-count').textContent()).split(' of ')[1])
  assert.ok(total >= 200, `the scenario lists ${total} entities`)
  await page.getByTestId('entity-search').locator('input').fill('Offer')
  await page.waitForFunction(() => /^\d+ of/.test(document.querySelector('[data-testid="entities-count"]')?.textContent ?? ''))
  await page.getByTestId('sort-name').click()

  // Tag one entity: a broken key is named before anything is sent, then saved.
  const row = page.getByTestId('entity-row').first()
  const arn = await row.getAttribute('data-arn')
  await row.getByTestId('edit-tags').click()
  await page.getByTestId('tag-add').click()
  const keys = page.getByTestId('tag-key')
  const values = page.getByTestId('tag-value')
  const n = await keys.count()
  await keys.nth(n - 1).locator('input').fill('bad#key')
  await values.nth(n - 1).locator('input').fill('x')
  await page.getByTestId('tag-problem').filter({ hasText: 'bad#key' }).waitFor({ timeout: 5000 })
  assert.ok(await page.getByTestId('tag-save').isDisabled(), 'Save is disabled while a rule is broken')
  await keys.nth(n - 1).locator('input').fill('e2e-owner')
  await values.nth(n - 1).locator('input').fill('solutions team')
  await page.waitForFunction(() => !document.querySelector('[data-testid="tag-save"]')?.hasAttribute('disabled'), null, { timeout: 5000 })
  await page.getByTestId('tag-save').click()
  await page.getByTestId('tag-saved').waitFor({ timeout: 15000 })
  if (hasAwsCli) assert.equal(tagsByCli(endpoint, arn)['e2e-owner'], 'solutions team', 'the AWS CLI sees the tag the window saved')
  await page.keyboard.press('Escape')

  // Bulk: select fifty offers, preview, run with progress to done.
  await page.getByTestId('entity-type').click()
  await page.locator('.n-base-select-option', { hasText: /^Offer \(/ }).click()
  await page.getByTestId('entity-search').locator('input').fill('')
  const scroller = page.getByTestId('entity-scroller')
  await scroller.focus()
  await page.keyboard.press('Home')
  for (let i = 0; i < 50; i++) {
    await page.keyboard.press(' ')
    await page.keyboard.press('ArrowDown')
  }
  await page.getByTestId('bulk-open').click()
  await page.getByTestId('bulk-tag-key').first().locator('input').fill('campaign')
  await page.getByTestId('bulk-tag-value').first().locator('input').fill('spring-2027')
  await page.waitForFunction(() => !document.querySelector('[data-testid="bulk-preview"]')?.hasAttribute('disabled'), null, { timeout: 5000 })
  await page.getByTestId('bulk-preview').click()
  await page.getByTestId('bulk-previewing').waitFor({ timeout: 5000 })
  await page.getByTestId('bulk-preview-summary').waitFor({ timeout: 30000 })
  assert.match(await page.getByTestId('bulk-preview-summary').textContent(), /50\s+will change/)
  await page.getByTestId('bulk-run').click()
  await page.getByTestId('bulk-progress').waitFor()
  // Progress is shown as n of m while it runs.
  await page.waitForFunction(() => /^[1-9]\d* of 50$/.test(document.querySelector('[data-testid="bulk-count"]')?.textContent?.trim() ?? ''), null, { timeout: 15000 })
  await page.getByTestId('bulk-done').waitFor({ timeout: 40000 })
  assert.match(await page.getByTestId('bulk-done').textContent(), /50 tagged/)
  const selected = await page.$$eval('[data-testid="entity-row"][aria-selected="true"]', (rs) => rs.map((r) => r.getAttribute('data-arn')))
  if (hasAwsCli) {
    for (const a of selected.slice(0, 5)) assert.equal(tagsByCli(endpoint, a).campaign, 'spring-2027', `the AWS CLI sees the bulk tag on ${a}`)
  }
  await page.getByTestId('bulk-close').click()
  assert.deepEqual(errors, [])
})

test('a tagged change set runs to SUCCEEDED; the AWS CLI agrees', { timeout: 90000 }, async () => {
  const { page, errors, url } = await openCatalog('connected', '20')
  const endpoint = await endpointOf(url)
  await page.getByTestId('tab-changesets').click()
  await page.getByTestId('changeset-template').click()
  await page.locator('.n-base-select-option', { hasText: 'private marketplace experience' }).click()
  await page.waitForFunction(() => !document.querySelector('[data-testid="changeset-start"]')?.hasAttribute('disabled'), null, { timeout: 5000 })
  await page.getByTestId('changeset-start').click()
  await page.getByTestId('changeset-status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 30000 })
  const id = (await page.getByTestId('changeset-id').textContent()).trim()
  // The change set's own tags open in the same editor as an entity's.
  await page.getByTestId('changeset-edit-tags').click()
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="tag-key"] input')].some((i) => i.value === 'product-team'), null, { timeout: 10000 })
  await page.keyboard.press('Escape')
  if (hasAwsCli) {
    const d = awsCli(endpoint, ['marketplace-catalog', 'describe-change-set', '--catalog', 'AWSMarketplace', '--change-set-id', id])
    assert.equal(d.Status, 'SUCCEEDED')
    assert.equal(tagsByCli(endpoint, d.ChangeSetArn)['product-team'], 'team-xyz', 'the change set carries its tag')
  }
  assert.deepEqual(errors, [])
})

test('policy builder: tag-conditioned policy, the lint catches a broken edit; saved to a file', { timeout: 60000 }, async () => {
  const { page, errors, home } = await openCatalog('connected')
  await page.getByTestId('tab-policies').click()
  await page.getByTestId('policy-pattern').click()
  await page.locator('.n-base-select-option', { hasText: 'StartChangeSet (with TagResource)' }).click()
  await page.getByTestId('policy-tag-key').locator('input').fill('product-team')
  await page.getByTestId('policy-tag-value').locator('input').fill('team-xyz')
  await page.getByTestId('lint-ok').waitFor({ timeout: 10000 })
  const text = await page.getByTestId('policy-json').locator('textarea').inputValue()
  assert.match(text, /aws:ResourceTag\/product-team/)
  assert.match(text, /aws-marketplace:TagResource/)
  // Remove TagResource by hand: the lint names the rule.
  await page.getByTestId('policy-json').locator('textarea').fill(text.replace(/,\s*"aws-marketplace:TagResource"/, ''))
  await page.getByTestId('lint-findings').filter({ hasText: 'TagResource' }).waitFor({ timeout: 10000 })
  await page.getByTestId('policy-json').locator('textarea').fill(text)
  await page.getByTestId('lint-ok').waitFor({ timeout: 10000 })
  await page.getByTestId('policy-save').click()
  await page.getByText(home.dir).first().waitFor({ timeout: 10000 })
  const saved = join(home.dir, 'catalog-policy.json')
  if (existsSync(saved)) assert.match(readFileSync(saved, 'utf8'), /product-team/)
  assert.deepEqual(errors, [])
})

test('resale role: created, then "already in place"; the AWS CLI sees the role', { timeout: 60000 }, async () => {
  const { page, errors, url } = await openCatalog('connected')
  const endpoint = await endpointOf(url)
  await page.getByTestId('tab-resale').click()
  await page.getByTestId('resale-create').click()
  await page.getByTestId('resale-message').filter({ hasText: /^Done/ }).waitFor({ timeout: 15000 })
  await page.getByTestId('resale-create').click()
  await page.getByTestId('resale-message').filter({ hasText: 'Already in place' }).waitFor({ timeout: 15000 })
  if (hasAwsCli) {
    const role = awsCli(endpoint, ['iam', 'get-role', '--role-name', 'FullResaleAuthorizationAccess'])
    assert.match(JSON.stringify(role.Role.AssumeRolePolicyDocument), /resale-authorization\.marketplace\.amazonaws\.com/)
  }
  assert.deepEqual(errors, [])
})

test('5,000 entities stay a virtual list', { timeout: 60000 }, async () => {
  const { page, errors } = await openCatalog('catalog-large', '300')
  await page.waitForFunction(() => Number((document.querySelector('[data-testid="entities-count"]')?.textContent ?? '').split(' of ')[1]) >= 4999, null, { timeout: 45000 })
  const rendered = await page.getByTestId('entity-row').count()
  assert.ok(rendered < 80, `${rendered} rows in the DOM for 5,000 entities`)
  const scroller = page.getByTestId('entity-scroller')
  await scroller.focus()
  await page.keyboard.press('End')
  await page.waitForTimeout(200)
  assert.ok(await page.getByTestId('entity-row').count() < 80)
  assert.deepEqual(errors, [])
})

test('5,000 entities: Ctrl+A says how long the job takes; a tag search offers to read the tags not read yet', { timeout: 90000 }, async () => {
  const { page, errors } = await openCatalog('catalog-large', '300')
  await page.waitForFunction(() => Number((document.querySelector('[data-testid="entities-count"]')?.textContent ?? '').split(' of ')[1]) >= 4999, null, { timeout: 45000 })
  const scroller = page.getByTestId('entity-scroller')
  await scroller.focus()
  await page.keyboard.press('Control+a')
  const estimate = page.getByTestId('selection-estimate')
  await estimate.waitFor({ timeout: 10000 })
  // From the quotas (catalog.EstimateJob): all but the rows on screen to read, every one to write, at 5/s.
  assert.match(await estimate.textContent(), /Tagging the 4,?99\d selected: about 3\d min \([\d,]+ tag lists to read at 5\/s, then up to 4,99\d writes at 5\/s\)/)
  await page.keyboard.press('Control+a') // clears
  await estimate.waitFor({ state: 'detached', timeout: 5000 })

  await page.getByTestId('entity-search').locator('input').fill('team-')
  const note = page.getByTestId('tag-search-note')
  await note.waitFor({ timeout: 5000 })
  assert.match(await note.textContent(), /covers the tags read so far: \d+ of 4,?99\d entities/)
  await page.getByTestId('tag-read-rest').click()
  await note.filter({ hasText: /Reading the other \d+ in the background \(about \d+ min/ }).waitFor({ timeout: 10000 })
  assert.deepEqual(errors, [])
})

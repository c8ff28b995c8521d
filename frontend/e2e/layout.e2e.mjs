// Browser end-to-end test of the layout at the window's smallest size, a
// laptop and a large screen: no horizontal scrollbar, the header stays on
// screen, tooltips and popovers stay inside the window, the Catalog's
// columns never draw over each other, and a tile's details open from the
// keyboard. Screenshots of each size go to $LAYOUT_SHOTS (default /tmp).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { startProcess, makeHome, launchBrowser, webUI, apiCall } from './harness.mjs'

const SIZES = [[860, 600], [1024, 768], [1920, 1080]]
const shots = process.env.LAYOUT_SHOTS || '/tmp'
let browser, web, home

before(async () => {
  home = makeHome()
  web = startProcess(['serve-web', '--sandbox', 'connected', '--time-scale', '50', '--addr', '127.0.0.1:0'], home.env, webUI)
  await web.matched
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await web?.stop()
  home?.cleanup()
})

async function noSideScroll(page, where) {
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }))
  assert.ok(m.sw <= m.iw, `${where}: the page is ${m.sw} px wide in a ${m.iw} px window`)
}

// Every tooltip of the first screen, shown by hovering its trigger, lies
// inside the window.
async function tooltipsInside(page, where) {
  const hosts = page.locator('.tip-host:visible')
  const n = await hosts.count()
  assert.ok(n >= 5, `${where}: ${n} tooltips found`)
  for (let i = 0; i < n; i++) {
    const host = hosts.nth(i)
    await host.scrollIntoViewIfNeeded()
    await host.hover()
    const r = await host.evaluate(async (el) => {
      await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)))
      const tip = el.querySelector(':scope > .tip')
      if (!tip || getComputedStyle(tip).display === 'none') return null
      const b = tip.getBoundingClientRect()
      return { left: b.left, right: b.right, text: tip.textContent.slice(0, 40), iw: window.innerWidth, sw: document.documentElement.scrollWidth }
    })
    if (!r) continue // an empty tip is not shown
    assert.ok(r.left >= 0 && r.right <= r.iw, `${where}: the tooltip "${r.text}" spans ${Math.round(r.left)}–${Math.round(r.right)} in a ${r.iw} px window`)
    assert.ok(r.sw <= r.iw, `${where}: showing "${r.text}" widens the page to ${r.sw} px`)
  }
  await page.mouse.move(1, 1)
}

async function headerStaysAfterScroll(page, where) {
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
  await page.waitForTimeout(100)
  const h = await page.evaluate(() => ({ y: window.scrollY, top: document.querySelector('.app-header').getBoundingClientRect().top }))
  assert.equal(Math.round(h.top), 0, `${where}: after scrolling ${h.y} px the header is at ${h.top}`)
  assert.ok(await page.getByTestId('target-picker').isVisible(), `${where}: the picker is on screen`)
  if (await page.getByTestId('overall-progress').count()) assert.ok(await page.getByTestId('overall-progress').isVisible(), `${where}: the count is on screen`)
  await page.evaluate(() => window.scrollTo(0, 0))
}

// What each cell of the Catalog's rows shows ends before the next cell starts.
async function columnsApart(page, where) {
  const clashes = await page.evaluate(() => {
    const out = []
    const rows = [document.querySelector('.et-head'), ...document.querySelectorAll('[data-testid="entity-row"]')].filter(Boolean)
    for (const row of rows) {
      const cells = [...row.children]
      for (let i = 0; i + 1 < cells.length; i++) {
        const c = cells[i]
        const box = c.getBoundingClientRect()
        const range = document.createRange()
        range.selectNodeContents(c)
        const content = range.getBoundingClientRect()
        const clipped = getComputedStyle(c).overflowX !== 'visible'
        const shownRight = clipped ? Math.min(content.right, box.right) : content.right
        const next = cells[i + 1].getBoundingClientRect()
        if (shownRight > next.left + 0.5) out.push(`${c.className}: "${c.textContent.trim().slice(0, 30)}" ends at ${Math.round(shownRight)}, the next column starts at ${Math.round(next.left)}`)
      }
    }
    return out
  })
  assert.deepEqual(clashes, [], `${where}: columns overlap`)
}

for (const [w, h] of SIZES) {
  test(`fits a ${w}×${h} window: Status and Catalog`, { timeout: 120000 }, async () => {
    const [, url] = await web.matched
    const where = `${w}×${h}`
    const page = await browser.newPage({ viewport: { width: w, height: h } })
    const errors = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(url)
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 })
    await page.getByTestId('identity-account').filter({ hasText: '111122223333' }).waitFor({ timeout: 10000 })
    await page.getByTestId('tile-cas').getByTestId('field-row').first().waitFor({ timeout: 15000 })

    // Status
    await noSideScroll(page, `${where} status`)
    await page.screenshot({ path: join(shots, `sellerdesk-layout-${w}x${h}-status.png`) })
    await tooltipsInside(page, `${where} status`)
    await noSideScroll(page, `${where} status, after the tooltips`)
    await headerStaysAfterScroll(page, `${where} status`)
    // A tile's details: folded, opened from the keyboard.
    const details = page.getByTestId('tile-seller').getByTestId('tile-details')
    assert.equal(await details.evaluate((d) => d.open), false, 'the seller tile starts folded')
    await page.getByTestId('tile-seller').getByTestId('tile-details-summary').focus()
    await page.keyboard.press('Enter')
    assert.equal(await details.evaluate((d) => d.open), true, 'Enter opens the details')
    await page.getByTestId('tile-seller').getByTestId('check-row').first().waitFor({ state: 'visible' })
    await noSideScroll(page, `${where} status, details open`)

    // Catalog
    await page.getByTestId('nav-catalog').click()
    await page.getByTestId('entity-row').first().waitFor({ timeout: 30000 })
    // Rows with tags (read in the background for the rows on screen), then
    // the rows of the longest type name, ResaleAuthorization.
    await page.waitForFunction(() => document.querySelector('.et-tag') !== null, null, { timeout: 20000 })
    await noSideScroll(page, `${where} catalog`)
    await columnsApart(page, `${where} catalog`)
    await page.getByTestId('entity-search').locator('input').fill('Resale authorization')
    await page.locator('[data-testid="entity-row"] .et-type', { hasText: 'ResaleAuthorization' }).first().waitFor()
    await columnsApart(page, `${where} catalog, resale authorizations`)
    await page.getByTestId('entity-search').locator('input').fill('')
    await page.screenshot({ path: join(shots, `sellerdesk-layout-${w}x${h}-catalog.png`) })
    await headerStaysAfterScroll(page, `${where} catalog`)
    // A popover (the type filter's menu) stays inside the window.
    await page.getByTestId('entity-type').click()
    const menu = page.locator('.n-base-select-menu').first()
    await menu.waitFor({ state: 'visible' })
    const r = await menu.boundingBox()
    assert.ok(r.x >= 0 && r.x + r.width <= w && r.y >= 0 && r.y + r.height <= h, `${where}: the type menu at ${JSON.stringify(r)}`)
    await page.keyboard.press('Escape')
    await noSideScroll(page, `${where} catalog, menu closed`)
    assert.deepEqual(errors, [])
    await page.close()
  })
}

test('the demo speed in the header changes the running sandbox', { timeout: 60000 }, async () => {
  const [, url] = await web.matched
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } })
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 })
  const picker = page.getByTestId('demo-speed')
  // Started with --time-scale 50: offered, and shown as the speed in force.
  await page.waitForFunction(() => document.querySelector('[data-testid="demo-speed"]')?.value === '50', null, { timeout: 10000 })
  // The sandbox's speed, as the backend reports it, once it is `want` (5 s at most).
  const speedBecomes = async (want) => {
    let got
    for (let i = 0; i < 50 && got !== want; i++) {
      got = await apiCall(url, 'app.Session.DemoSpeed')
      if (got !== want) await new Promise((r) => setTimeout(r, 100))
    }
    return got
  }
  await picker.selectOption('200')
  assert.equal(await speedBecomes(200), 200, 'the sandbox runs at the speed picked')
  await picker.selectOption('1')
  assert.equal(await speedBecomes(1), 1)
  assert.equal(await picker.inputValue(), '1')
  await apiCall(url, 'app.Session.SetDemoSpeed', [50])
  assert.deepEqual(errors, [])
  await page.close()
})

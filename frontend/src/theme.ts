// Naive UI's theme for the parts loaded after start (NaiveScope). The first
// screen does not use Naive UI: ui.css has the same values as CSS custom
// properties (Naive's light and dark defaults), so both look alike.
//
// The dark theme, limited to the Naive UI components SellerDesk uses.
// Naive UI's `darkTheme` carries the dark styles of all ~90 components, which
// made it one of the largest parts of the start-up bundle; the components
// below (with the peers each one carries) render exactly as with darkTheme.
// A component added to the app needs its *Dark theme added here.
import {
  alertDark, buttonDark, cardDark, checkboxDark, commonDark, dialogDark, drawerDark, emptyDark, iconDark, inputDark,
  internalSelectionDark, internalSelectMenuDark, modalDark, notificationDark, popoverDark, progressDark, scrollbarDark,
  selectDark, spinDark, switchDark, tagDark, timelineDark, tooltipDark, type GlobalTheme, type GlobalThemeOverrides,
} from 'naive-ui'

export const appDarkTheme: GlobalTheme = {
  name: 'dark',
  common: commonDark,
  Alert: alertDark,
  Button: buttonDark,
  Card: cardDark,
  Checkbox: checkboxDark,
  Dialog: dialogDark,
  Drawer: drawerDark,
  Empty: emptyDark,
  Icon: iconDark,
  Input: inputDark,
  InternalSelection: internalSelectionDark,
  InternalSelectMenu: internalSelectMenuDark,
  Modal: modalDark,
  Notification: notificationDark,
  Popover: popoverDark,
  Progress: progressDark,
  Scrollbar: scrollbarDark,
  Select: selectDark,
  Spin: spinDark,
  Switch: switchDark,
  Tag: tagDark,
  Timeline: timelineDark,
  Tooltip: tooltipDark,
}

/** The font is ui.css's --sd-font. */
export const appThemeOverrides: GlobalThemeOverrides = {
  common: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif' },
}

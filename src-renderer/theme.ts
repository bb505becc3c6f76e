import { createTheme } from '@mantine/core'
import './theme.css'

export const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 7 in the light theme: white on indigo.6 (and indigo.6 links on white) is 4.3:1, below WCAG AA's 4.5:1.
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  // Operators who ask their OS for less motion get no modal or collapse animations.
  respectReducedMotion: true,
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, "JetBrains Mono", Menlo, Consolas, monospace',
})

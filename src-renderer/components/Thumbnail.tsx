import { Center } from '@mantine/core'
import { useState } from 'react'
import { ImageIcon } from './icons'

/**
 * Only images from the page's own origin are asked for: the admin page's CSP allows `img-src 'self'`,
 * so the desktop app (app://) and a seller's image elsewhere would be refused anyway, and each
 * refusal is a CSP violation in the console. Those, and images that fail, show a plain tile.
 */
export function loadableHere(url: string): boolean {
  try {
    return new URL(url, window.location.href).origin === window.location.origin
  } catch {
    return false
  }
}

/** The app draws its thumbnails at 16:9 (320×180); a seller's own image is cropped to that. */
export function Thumbnail({ url, width, label }: { url: string; width: number; label: string }) {
  const [failed, setFailed] = useState(false)
  const height = Math.round((width * 9) / 16)
  const radius = 'var(--mantine-radius-sm)'
  if (failed || !loadableHere(url)) {
    return (
      <Center
        w={width}
        h={height}
        style={{ flex: 'none', borderRadius: radius, background: 'var(--mantine-color-default-hover)', color: 'var(--mantine-color-dimmed)' }}
        aria-hidden="true"
        data-testid="thumbnail-placeholder"
      >
        <ImageIcon size={Math.round(height / 2)} />
      </Center>
    )
  }
  return (
    <img
      src={url}
      alt={label}
      width={width}
      height={height}
      loading="lazy"
      onError={() => setFailed(true)}
      style={{ flex: 'none', borderRadius: radius, objectFit: 'cover', display: 'block' }}
    />
  )
}

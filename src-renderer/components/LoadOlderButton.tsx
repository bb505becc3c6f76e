import { Button, Center } from '@mantine/core'

/** Under a newest-first table: fetches the next older page while fewer rows are shown than exist. */
export function LoadOlderButton({ shown, total, loading, onLoad, testId }: { shown: number; total: number; loading: boolean; onLoad: () => void; testId: string }) {
  if (shown === 0 || shown >= total) return null
  return (
    <Center>
      <Button variant="default" loading={loading} onClick={onLoad} data-testid={testId}>
        Load older
      </Button>
    </Center>
  )
}

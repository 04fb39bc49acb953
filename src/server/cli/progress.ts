/** A progress bar on stderr for long runs: redrawn in place on a terminal, a line per 10 % otherwise. */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  let lastDecile = -1
  return (done: number) => {
    const fraction = total === 0 ? 1 : done / total
    if (stream.isTTY) {
      const width = 30
      const filled = Math.round(fraction * width)
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`)
      if (done >= total) stream.write('\n')
    } else {
      const decile = Math.floor(fraction * 10)
      if (decile !== lastDecile) {
        lastDecile = decile
        stream.write(`${label}: ${done}/${total} (${decile * 10}%)\n`)
      }
    }
  }
}

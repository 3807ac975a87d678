// A module-loader hook that names every module the process loads, one `XENT_LOADED <url>` line on stderr.
export async function load(url, context, nextLoad) {
  process.stderr.write(`XENT_LOADED ${url}\n`);
  return nextLoad(url, context);
}

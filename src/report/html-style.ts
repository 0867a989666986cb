/** The report page's only stylesheet, inlined: fluid, one column on a phone, light and dark. */
export const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;--accent:#0969da;--band:#9ecbff;
--good:#1a7f37;--warn:#9a6700;--bad:#cf222e;--idle:#818b98;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#f0f6fc;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d;
--accent:#4493f8;--band:#1c3a63;--good:#3fb950;--warn:#d29922;--bad:#f85149;--idle:#656c76}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:52rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.25rem 0}
h2{font-size:1.1rem;margin:0 0 .5rem}
p{margin:.25rem 0}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:1rem 0}
.muted,blockquote{color:var(--muted)}
blockquote{margin:.75rem 0 0;font-size:.85rem}
.big{font-size:clamp(2.25rem,11vw,3.5rem);font-weight:700;line-height:1.1;margin:.25rem 0}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.5rem;margin:.75rem 0 0}
.stats div{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.4rem .6rem}
.stats dt{font-size:.8rem;color:var(--muted)}
.stats dd{margin:0;font-size:1.2rem;font-weight:600;font-variant-numeric:tabular-nums}
.row{display:grid;grid-template-columns:minmax(5rem,32%) 1fr minmax(4.5rem,auto);gap:.25rem .75rem;align-items:center;padding:.35rem 0;border-top:1px solid var(--line)}
.row:first-child{border-top:0}
.label{overflow-wrap:anywhere}
.num{font-variant-numeric:tabular-nums;text-align:right}
.detail{grid-column:1/-1;font-size:.8rem;color:var(--muted)}
.flag{color:var(--warn);font-weight:600}
svg.bar,svg.range{display:block;width:100%;height:14px}
section>svg.range{height:22px;margin:.75rem 0 .25rem}
.scale{display:flex;justify-content:space-between;font-size:.75rem;color:var(--muted)}
.track{fill:var(--line)}.bounds{fill:var(--band)}
.ci,.point,.whisker,.grid,.line{vector-effect:non-scaling-stroke;fill:none}
.ci{stroke:var(--fg);stroke-width:2}.point{stroke:var(--accent);stroke-width:4}
.good{fill:var(--good)}.warn{fill:var(--warn)}.bad{fill:var(--bad)}.idle{fill:var(--idle)}
svg.trend-chart{display:block;width:100%;max-width:34rem;height:auto;margin:.5rem auto}
.trend-chart text{fill:var(--muted);font-size:13px}
.grid{stroke:var(--line)}.whisker{stroke:var(--muted);stroke-width:1.5}.line{stroke:var(--accent);stroke-width:2}
.trend-chart circle{fill:var(--accent)}
.legend{font-size:.8rem;color:var(--muted)}
.legend i{display:inline-block;width:.9rem;height:.6rem;margin:0 .25rem 0 .5rem;vertical-align:middle}
.legend i:first-child{margin-left:0}
.swatch-point{background:var(--accent);width:.25rem!important}.swatch-ci{background:var(--fg);height:2px!important}.swatch-band{background:var(--band)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.85rem;font-variant-numeric:tabular-nums}
th,td{padding:.25rem .5rem;border-top:1px solid var(--line);text-align:left;white-space:nowrap}
td:last-child{white-space:normal}
@media (max-width:32rem){.row{grid-template-columns:1fr auto}.row svg{grid-column:1/-1;grid-row:2}}
`;

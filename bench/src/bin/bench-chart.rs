//! `bench-chart`: draws a results table of `bench` (what `bench/run-all.sh` prints) as an SVG.
//! One row of panels per scenario: requests/s and p99 latency by client count, a line per
//! store, with the HTTP ceiling (`bench-ceiling`, beside `list`) and pgbench's single-row
//! inserts (beside `hot-join`, the contended write) as dashed reference lines.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Parser;
use plotters::prelude::*;

/// Draws bench's markdown table as an SVG chart.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The table (`bench/run-all.sh > results.md`).
    results: PathBuf,
    /// Where to write the SVG.
    svg: PathBuf,
    /// The chart's title (the run's conditions).
    #[arg(long, default_value = "Event Manager: bench results")]
    title: String,
}

/// One measured row of the table.
struct Row {
    target: String,
    scenario: String,
    clients: f64,
    rate: f64,
    p99: Option<f64>,
}

/// Rows of the table that have a client count and a rate (the build-time row has neither).
fn rows(table: &str) -> Vec<Row> {
    table
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().strip_prefix('|')?.split('|').map(str::trim).collect();
            match cells.as_slice() {
                [target, scenario, clients, _requests, rate, _p50, _p90, p99, ..] => Some(Row {
                    target: (*target).to_owned(),
                    scenario: (*scenario).to_owned(),
                    clients: clients.parse().ok()?,
                    rate: rate.parse().ok()?,
                    p99: p99.parse().ok(),
                }),
                _ => None,
            }
        })
        .collect()
}

/// A line: its points by client count, averaged where a target ran twice (the ceiling is
/// measured beside each store's `list` runs).
type Line = BTreeMap<u64, (f64, Option<f64>, u32)>;

fn add(line: &mut Line, row: &Row) {
    let point = line.entry(row.clients as u64).or_insert((0.0, Some(0.0), 0));
    point.0 += row.rate;
    point.1 = point.1.zip(row.p99).map(|(sum, p99)| sum + p99);
    point.2 += 1;
}

fn rates(line: &Line) -> Vec<(f64, f64)> {
    line.iter()
        .map(|(&c, &(sum, _, n))| (c as f64, sum / f64::from(n)))
        .collect()
}

fn p99s(line: &Line) -> Vec<(f64, f64)> {
    line.iter()
        .filter_map(|(&c, &(_, sum, n))| Some((c as f64, sum? / f64::from(n))))
        .collect()
}

/// What one scenario's panels show.
#[derive(Default)]
struct Scenario {
    stores: BTreeMap<String, Line>,
    reference: Option<(&'static str, Line)>,
}

const CEILING: &str = "bench-ceiling";
const PGBENCH: &str = "pgbench";

fn scenarios(rows: &[Row]) -> Vec<(String, Scenario)> {
    let mut order: Vec<String> = Vec::new();
    let mut by_name: BTreeMap<String, Scenario> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.target != CEILING && r.target != PGBENCH) {
        if !order.contains(&row.scenario) {
            order.push(row.scenario.clone());
        }
        let scenario = by_name.entry(row.scenario.clone()).or_default();
        add(scenario.stores.entry(row.target.clone()).or_default(), row);
    }
    for row in rows {
        let (name, scenario) = match row.target.as_str() {
            CEILING => ("HTTP ceiling", "list"),
            PGBENCH => ("pgbench INSERT", "hot-join"),
            _ => continue,
        };
        if let Some(scenario) = by_name.get_mut(scenario) {
            add(
                &mut scenario.reference.get_or_insert_with(|| (name, Line::new())).1,
                row,
            );
        }
    }
    order
        .into_iter()
        .filter_map(|name| by_name.remove(&name).map(|s| (name, s)))
        .collect()
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

fn panel(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    caption: String,
    unit: &str,
    lines: &[(String, Vec<(f64, f64)>)],
    reference: Option<(&str, Vec<(f64, f64)>)>,
    stores: &[String],
) -> Drawn {
    let every = lines
        .iter()
        .map(|(_, p)| p)
        .chain(reference.iter().map(|(_, p)| p))
        .flatten();
    let (low, high, top) = every.fold((1.0_f64, 1.0_f64, 1.0_f64), |(low, high, top), &(c, v)| {
        (low.min(c), high.max(c), top.max(v))
    });
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(32)
        .y_label_area_size(56)
        .build_cartesian_2d((low * 0.8..high * 1.25).log_scale(), 0.0..top * 1.1)?;
    chart
        .configure_mesh()
        .x_desc("clients")
        .y_desc(unit)
        .x_label_formatter(&|c| format!("{c:.0}"))
        .light_line_style(WHITE)
        .draw()?;
    for (name, points) in lines {
        // One colour per store in every panel: its place among the table's stores.
        let color = Palette99::pick(stores.iter().position(|s| s == name).unwrap_or(0)).to_rgba();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)).point_size(3))?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
    }
    if let Some((name, points)) = reference {
        let style = BLACK.stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(points, 6, 4, style))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}

fn main() -> Drawn {
    let args = Args::parse();
    let table = std::fs::read_to_string(&args.results)?;
    let rows = rows(&table);
    let mut stores: Vec<String> = Vec::new();
    for row in rows.iter().filter(|r| r.target != CEILING && r.target != PGBENCH) {
        if !stores.contains(&row.target) {
            stores.push(row.target.clone());
        }
    }
    let scenarios = scenarios(&rows);
    if scenarios.is_empty() {
        return Err(format!("no bench rows in {}", args.results.display()).into());
    }
    let height = 40 + 260 * u32::try_from(scenarios.len())?;
    let root = SVGBackend::new(&args.svg, (1000, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(&args.title, ("sans-serif", 20))?;
    let areas = root.split_evenly((scenarios.len(), 2));
    for ((name, scenario), pair) in scenarios.iter().zip(areas.chunks(2)) {
        let [rate_area, p99_area] = pair else {
            unreachable!("split_evenly((n, 2)) gives two areas a row")
        };
        let line_of = |f: fn(&Line) -> Vec<(f64, f64)>| -> Vec<(String, Vec<(f64, f64)>)> {
            scenario
                .stores
                .iter()
                .map(|(store, line)| (store.clone(), f(line)))
                .collect()
        };
        let reference_of = |f: fn(&Line) -> Vec<(f64, f64)>| scenario.reference.as_ref().map(|(n, l)| (*n, f(l)));
        panel(
            rate_area,
            format!("{name}: requests/s"),
            "req/s",
            &line_of(rates),
            reference_of(rates),
            &stores,
        )?;
        // pgbench reports no latency quantiles: its reference line is on the rate panel only.
        let p99_reference = reference_of(p99s).filter(|(_, points)| !points.is_empty());
        panel(
            p99_area,
            format!("{name}: p99 latency"),
            "ms",
            &line_of(p99s),
            p99_reference,
            &stores,
        )?;
    }
    root.present()?;
    println!("wrote {}", args.svg.display());
    Ok(())
}

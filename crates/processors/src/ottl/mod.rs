//! A subset of the OpenTelemetry Transformation Language (OTTL) over dbintel's pdata, for the
//! `transform` and `filter` processors.
//!
//! Text goes through a lexer ([`lexer`]) and a recursive-descent parser ([`parser`]) to an untyped
//! AST, which [`compile`] turns, for one context (`resource`, `scope`, `log`, `metric`,
//! `datapoint`, `span`, `spanevent`), into a typed program: paths resolved to record fields, functions resolved and
//! their arguments checked, regexes compiled. Anything this subset lacks (a function, a path, a
//! syntax) is an error at config time that names it; nothing is skipped silently. [`eval`] runs
//! the program on a [`Record`].

mod compile;
mod eval;
pub mod lexer;
pub mod parser;

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, LogRecord, Metric, MetricData, NumberDataPoint, Resource, Scope, Span,
    SpanEvent, SummaryDataPoint,
};

pub use compile::{CONVERTERS, EDITORS};
pub use eval::EvalError;

/// Why a statement or condition does not compile.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OttlError {
    #[error("syntax error at offset {at}: {msg}")]
    Syntax { at: usize, msg: String },
    #[error(
        "unsupported function `{name}` (this OTTL subset has editors: {editors}; converters: {converters})"
    )]
    UnsupportedFunction { name: String, editors: String, converters: String },
    #[error("{0}")]
    Invalid(String),
}

impl OttlError {
    fn unsupported(name: &str) -> Self {
        OttlError::UnsupportedFunction {
            name: name.to_string(),
            editors: EDITORS.join(", "),
            converters: CONVERTERS.join(", "),
        }
    }
}

/// Where statements run: which record each execution sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Ctx {
    Resource,
    Scope,
    Log,
    Metric,
    #[serde(alias = "data_point")]
    Datapoint,
    /// Spans (`transform`'s `trace_statements`, `filter`'s `traces.span` conditions).
    Span,
    /// Span events (`trace_statements`, `filter`'s `traces.spanevent`); `span.*` reads the span
    /// that holds the event.
    #[serde(rename = "spanevent")]
    SpanEvent,
}

impl Ctx {
    pub fn name(self) -> &'static str {
        match self {
            Ctx::Resource => "resource",
            Ctx::Scope => "scope",
            Ctx::Log => "log",
            Ctx::Metric => "metric",
            Ctx::Datapoint => "datapoint",
            Ctx::Span => "span",
            Ctx::SpanEvent => "spanevent",
        }
    }
}

/// A data point of any kind, changeable.
pub enum Point<'a> {
    Number(&'a mut NumberDataPoint),
    Histogram(&'a mut HistogramDataPoint),
    Summary(&'a mut SummaryDataPoint),
}

impl Point<'_> {
    pub fn attributes(&self) -> &Attributes {
        match self {
            Point::Number(p) => &p.attributes,
            Point::Histogram(p) => &p.attributes,
            Point::Summary(p) => &p.attributes,
        }
    }
    pub fn attributes_mut(&mut self) -> &mut Attributes {
        match self {
            Point::Number(p) => &mut p.attributes,
            Point::Histogram(p) => &mut p.attributes,
            Point::Summary(p) => &mut p.attributes,
        }
    }
}

/// The metric a `metric` or `datapoint` execution sees: its descriptive fields (changeable) and,
/// in the `metric` context, its points (read-only, for `HasAttrKeyOnDatapoint`).
pub struct MetricView<'a> {
    pub name: &'a mut String,
    pub description: &'a mut String,
    pub unit: &'a mut String,
    /// OTTL's `METRIC_DATA_TYPE_*` number.
    pub data_type: i64,
    /// OTTL's `AGGREGATION_TEMPORALITY_*` number (0 for gauges and summaries).
    pub temporality: i64,
    pub monotonic: bool,
    pub data: Option<&'a MetricData>,
}

impl<'a> MetricView<'a> {
    /// Splits a metric into the view of its fields and its data (for the `datapoint` context).
    pub fn split(m: &'a mut dbintel_core::pdata::Metric) -> (MetricView<'a>, &'a mut MetricData) {
        let (data_type, temporality, monotonic) = kind(&m.data);
        let dbintel_core::pdata::Metric { name, description, unit, data } = m;
        (MetricView { name, description, unit, data_type, temporality, monotonic, data: None }, data)
    }

    /// The same view, borrowed again (one per data point).
    pub fn reborrow(&mut self) -> MetricView<'_> {
        MetricView {
            name: &mut *self.name,
            description: &mut *self.description,
            unit: &mut *self.unit,
            data_type: self.data_type,
            temporality: self.temporality,
            monotonic: self.monotonic,
            data: self.data,
        }
    }

    /// A view with the data readable (the `metric` context).
    pub fn whole(m: &'a mut dbintel_core::pdata::Metric) -> MetricView<'a> {
        let (data_type, temporality, monotonic) = kind(&m.data);
        let dbintel_core::pdata::Metric { name, description, unit, data } = m;
        MetricView { name, description, unit, data_type, temporality, monotonic, data: Some(&*data) }
    }
}

fn kind(d: &MetricData) -> (i64, i64, bool) {
    use dbintel_core::pdata::Temporality;
    let t = |t: &Temporality| match t {
        Temporality::Delta => 1,
        Temporality::Cumulative => 2,
    };
    match d {
        MetricData::Gauge(_) => (1, 0, false),
        MetricData::Sum { temporality, monotonic, .. } => (2, t(temporality), *monotonic),
        MetricData::Histogram { temporality, .. } => (3, t(temporality), false),
        MetricData::Summary(_) => (5, 0, false),
    }
}

/// What one execution sees. Fields a context does not have are `None`.
pub struct Record<'a> {
    pub resource: &'a mut Resource,
    pub scope: Option<&'a mut Scope>,
    pub log: Option<&'a mut LogRecord>,
    pub metric: Option<MetricView<'a>>,
    pub point: Option<Point<'a>>,
    /// The transform processor's `cache` map, cleared for each resource.
    pub cache: Option<&'a mut Attributes>,
    /// The span of a `span` or `spanevent` execution (and the event, in `spanevent`).
    pub span: Option<SpanMut<'a>>,
}

/// A span to change (the `span` context), or a span to read with one of its events to change (the
/// `spanevent` context: the caller takes the events out of the span while they run, so `span.*`
/// reads the span beside a changeable event).
pub struct SpanMut<'a> {
    pub span: &'a mut Span,
    pub event: Option<&'a mut SpanEvent>,
}

/// A data point, read-only.
#[derive(Clone, Copy)]
pub enum PointRef<'a> {
    Number(&'a NumberDataPoint),
    Histogram(&'a HistogramDataPoint),
    Summary(&'a SummaryDataPoint),
}

impl<'a> PointRef<'a> {
    pub fn attributes(self) -> &'a Attributes {
        match self {
            PointRef::Number(p) => &p.attributes,
            PointRef::Histogram(p) => &p.attributes,
            PointRef::Summary(p) => &p.attributes,
        }
    }
}

/// A metric's fields as conditions read them.
pub struct MetricRef<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub unit: &'a str,
    pub data_type: i64,
    pub temporality: i64,
    pub monotonic: bool,
    pub data: Option<&'a MetricData>,
}

/// What conditions and values read: a [`Record`] (which editors also change) or a [`Shared`]
/// view of a batch that other pipelines hold too (read without copying it).
pub trait Source {
    fn resource(&self) -> &Resource;
    fn scope(&self) -> Option<&Scope>;
    fn log(&self) -> Option<&LogRecord>;
    fn metric(&self) -> Option<MetricRef<'_>>;
    fn point(&self) -> Option<PointRef<'_>>;
    fn cache(&self) -> Option<&Attributes>;
    /// The span of a `span` or `spanevent` execution.
    fn span(&self) -> Option<&Span> {
        None
    }
    /// The event of a `spanevent` execution.
    fn span_event(&self) -> Option<&SpanEvent> {
        None
    }
}

/// A span (and, in the `spanevent` context, one of its events) as conditions read it.
pub struct SpanRecord<'a> {
    pub resource: &'a Resource,
    pub scope: &'a Scope,
    pub span: &'a Span,
    pub event: Option<&'a SpanEvent>,
}

impl Source for SpanRecord<'_> {
    fn resource(&self) -> &Resource {
        self.resource
    }
    fn scope(&self) -> Option<&Scope> {
        Some(self.scope)
    }
    fn log(&self) -> Option<&LogRecord> {
        None
    }
    fn metric(&self) -> Option<MetricRef<'_>> {
        None
    }
    fn point(&self) -> Option<PointRef<'_>> {
        None
    }
    fn cache(&self) -> Option<&Attributes> {
        None
    }
    fn span(&self) -> Option<&Span> {
        Some(self.span)
    }
    fn span_event(&self) -> Option<&SpanEvent> {
        self.event
    }
}

impl Source for Record<'_> {
    fn resource(&self) -> &Resource {
        self.resource
    }
    fn scope(&self) -> Option<&Scope> {
        self.scope.as_deref()
    }
    fn log(&self) -> Option<&LogRecord> {
        self.log.as_deref()
    }
    fn metric(&self) -> Option<MetricRef<'_>> {
        self.metric.as_ref().map(|m| MetricRef {
            name: m.name,
            description: m.description,
            unit: m.unit,
            data_type: m.data_type,
            temporality: m.temporality,
            monotonic: m.monotonic,
            data: m.data,
        })
    }
    fn point(&self) -> Option<PointRef<'_>> {
        self.point.as_ref().map(|p| match p {
            Point::Number(p) => PointRef::Number(p),
            Point::Histogram(p) => PointRef::Histogram(p),
            Point::Summary(p) => PointRef::Summary(p),
        })
    }
    fn cache(&self) -> Option<&Attributes> {
        self.cache.as_deref()
    }
    fn span(&self) -> Option<&Span> {
        self.span.as_ref().map(|s| &*s.span)
    }
    fn span_event(&self) -> Option<&SpanEvent> {
        self.span.as_ref().and_then(|s| s.event.as_deref())
    }
}

/// A read-only record of a shared batch, for conditions (no cache: the filter has none).
pub struct Shared<'a> {
    pub resource: &'a Resource,
    pub scope: Option<&'a Scope>,
    pub log: Option<&'a LogRecord>,
    pub metric: Option<&'a Metric>,
    pub point: Option<PointRef<'a>>,
}

impl Source for Shared<'_> {
    fn resource(&self) -> &Resource {
        self.resource
    }
    fn scope(&self) -> Option<&Scope> {
        self.scope
    }
    fn log(&self) -> Option<&LogRecord> {
        self.log
    }
    fn metric(&self) -> Option<MetricRef<'_>> {
        self.metric.map(|m| {
            let (data_type, temporality, monotonic) = kind(&m.data);
            MetricRef {
                name: &m.name,
                description: &m.description,
                unit: &m.unit,
                data_type,
                temporality,
                monotonic,
                data: Some(&m.data),
            }
        })
    }
    fn point(&self) -> Option<PointRef<'_>> {
        self.point
    }
    fn cache(&self) -> Option<&Attributes> {
        None
    }
}

/// A compiled editor statement.
#[derive(Debug)]
pub struct Statement {
    pub text: String,
    /// What runtime errors call it: its key path (set by the component), so a literal in the
    /// text (possibly a secret from `${env:...}`) stays out of logs.
    pub label: String,
    program: compile::Statement,
}

impl Statement {
    pub fn compile(text: &str, ctx: Ctx) -> Result<Self, OttlError> {
        let ast = parser::parse_statement(text)?;
        Ok(Self {
            text: text.to_string(),
            label: "statement".into(),
            program: compile::statement(&ast, ctx)?,
        })
    }

    /// Runs the statement; `Ok(true)` when its `where` clause held (or there is none).
    pub fn execute(&self, rec: &mut Record<'_>) -> Result<bool, EvalError> {
        eval::execute(&self.program, rec)
    }
}

/// A compiled boolean condition.
#[derive(Debug)]
pub struct Condition {
    pub text: String,
    /// Its key path, for runtime errors (as [`Statement::label`]).
    pub label: String,
    program: compile::Cond,
}

impl Condition {
    pub fn compile(text: &str, ctx: Ctx) -> Result<Self, OttlError> {
        let ast = parser::parse_condition(text)?;
        Ok(Self {
            text: text.to_string(),
            label: "condition".into(),
            program: compile::condition(&ast, ctx)?,
        })
    }

    pub fn eval<S: Source + ?Sized>(&self, rec: &S) -> Result<bool, EvalError> {
        eval::test(&self.program, rec)
    }
}

/// The contexts a statement's paths name by prefix (`log.body`, `datapoint.attributes`,
/// `resource.attributes`, `metric.name`, `scope.name`): for the flat (context-less) config form.
pub fn prefixed_contexts(text: &str) -> Result<Vec<Ctx>, OttlError> {
    let toks = lexer::lex(text)?;
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let lexer::Tok::Ident(name) = &t.tok else { continue };
        let after_dot = i > 0 && toks[i - 1].tok == lexer::Tok::Dot;
        let before_dot = toks.get(i + 1).is_some_and(|n| n.tok == lexer::Tok::Dot);
        if after_dot || !before_dot {
            continue;
        }
        let ctx = match name.as_str() {
            "resource" => Ctx::Resource,
            "scope" | "instrumentation_scope" => Ctx::Scope,
            "log" => Ctx::Log,
            "metric" => Ctx::Metric,
            "datapoint" => Ctx::Datapoint,
            "span" => Ctx::Span,
            "spanevent" => Ctx::SpanEvent,
            _ => continue,
        };
        if !out.contains(&ctx) {
            out.push(ctx);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;

/// The Collector's `error_mode`: what a statement or condition that fails on a record does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ErrorMode {
    /// Log the error (rate-limited) and go on with the next statement.
    Ignore,
    /// Go on without logging.
    Silent,
    /// Stop and drop the batch (the pipeline counts it).
    #[default]
    Propagate,
}

/// Counts statement errors and logs them at most every 10 s (`ignore` mode).
pub struct ErrorReport {
    pub component: String,
    pub errors: dbintel_core::telemetry::Counter,
    last_log: Option<std::time::Instant>,
    suppressed: u64,
}

impl ErrorReport {
    pub fn new(t: &dbintel_core::telemetry::Registry, component: &str, kind: &str) -> Self {
        Self {
            component: component.to_string(),
            errors: t.counter(
                &format!("dbintel_{kind}_errors_total"),
                "OTTL statements or conditions that failed on a record (see error_mode).",
                &[("processor", component)],
            ),
            last_log: None,
            suppressed: 0,
        }
    }

    /// Handles one failure of the statement or condition at key path `label`; `Err` when the batch
    /// must stop (`propagate`).
    pub fn fail(
        &mut self,
        mode: ErrorMode,
        label: &str,
        e: &EvalError,
    ) -> Result<(), dbintel_core::ProcessorError> {
        self.errors.inc();
        match mode {
            ErrorMode::Propagate => {
                Err(dbintel_core::ProcessorError(format!("OTTL {label} failed: {e} (error_mode: propagate)")))
            }
            ErrorMode::Silent => Ok(()),
            ErrorMode::Ignore => {
                let now = std::time::Instant::now();
                if self.last_log.is_none_or(|t| now.duration_since(t) >= std::time::Duration::from_secs(10)) {
                    tracing::warn!(processor = %self.component, statement = label, error = %e,
                        suppressed = self.suppressed, "OTTL statement failed on a record; continuing (error_mode: ignore)");
                    self.last_log = Some(now);
                    self.suppressed = 0;
                } else {
                    self.suppressed += 1;
                }
                Ok(())
            }
        }
    }
}

//! The transformer layers of the encoders written for entline — BERT ([`super::bert`]) and MPNet
//! ([`super::mpnet`]) — on tch, for inference: linear layers that compute in f32 (or bf16) or
//! with int8 weights ([`Linear`]), LayerNorm, the activation, and the post-LayerNorm encoder
//! layer both architectures share ([`Layer`], [`Stack`]).
//!
//! **int8** (`--precision int8`): the linear layers of the encoder (the second one of each
//! feed-forward block with its input smoothed, see [`Stack::quantize`]) multiply through FBGEMM
//! (`fbgemm_linear_int8_weight_fp32_activation`): weights quantized once at load, one scale per
//! output row, in 7 bits (±63) so that the u8 × s8 pair sums of FBGEMM's AVX2 kernel
//! (`vpmaddubsw`, saturating at 16 bits) cannot overflow; activations quantized to u8 by the
//! kernel over the range of its input tensor. That range is made fixed per layer — measured on a
//! calibration text at load ([`Stack::forward`] with ranges), the input clamped to it and one row holding
//! its ends appended — so that a token's result never depends on the other rows of its batch
//! (resume, shards and thread counts give the same output). Integer products sum exactly in
//! int32, so the result is also the same for any number of threads.

use tch::{nn, Kind, Scalar, TchError, Tensor};

/// Largest weight level of the int8 path: 7 bits, see the module documentation.
pub const WEIGHT_LEVELS: f64 = 63.0;

/// SmoothQuant's migration strength α for the feed-forward block's second layer, chosen on CoNLL
/// testa (int8 F1, fast / accurate tier; f32 94.22 / 96.26): α 0.5 93.96 / 95.83, 0.8 94.03 /
/// 96.06, 0.9 93.79 / 96.02, 1.0 94.02 / 95.75; without smoothing 94.04 / 94.90.
pub const SMOOTHING: f64 = 0.8;

/// Calibrated activation ranges are widened by this factor before use (values beyond are
/// clamped).
pub const RANGE_MARGIN: f64 = 1.25;

/// A linear layer `x Wᵀ + b`.
pub enum Linear {
    Float { w: Tensor, b: Tensor },
    Int8(Int8Linear),
}

/// A linear layer with int8 weights, see the module documentation.
pub struct Int8Linear {
    /// `[out, in]` int8 levels (FBGEMM also reads the unpacked matrix).
    q: Tensor,
    /// FBGEMM's packed form of `q`.
    packed: Tensor,
    /// Sum of each row of `q` (int32), FBGEMM's correction for the activations' zero point.
    row_sums: Tensor,
    /// `[out]` f32: the weight of level 1 in each output row.
    scale: Tensor,
    /// `[out]` f32: the bias divided by `scale` (the kernel adds it before the row scale).
    bias: Tensor,
    /// `[1, in]`: the ends of the activation range, then zeros.
    range_row: Tensor,
    lo: f64,
    hi: f64,
    /// `[in]`: what each input channel is multiplied by first ([`Int8Linear::smoothed`]).
    inv_smooth: Option<Tensor>,
}

// libtorch's logging threshold (c10, built without glog): messages below it are not written.
extern "C" {
    static mut FLAGS_caffe2_log_level: i32;
}

/// Run `f` with libtorch's warnings off. The FBGEMM functions of the int8 path warn once per
/// process that they are deprecated (`TORCH_WARN_ONCE`, written to stderr by libtorch, not by
/// entline); quantizing runs each of them once under this, so the warning never shows. Nothing
/// else of libtorch's should warn meanwhile: it runs while the model loads.
fn without_torch_warnings<T>(f: impl FnOnce() -> T) -> T {
    const ERROR: i32 = 2;
    // SAFETY: a plain int of libc10 (`c10::FLAGS_caffe2_log_level`, exported unmangled), read
    // and written by value through a raw pointer; libtorch only reads it when it logs
    let level = std::ptr::addr_of_mut!(FLAGS_caffe2_log_level);
    let before = unsafe { level.read_volatile() };
    unsafe { level.write_volatile(before.max(ERROR)) };
    let out = f();
    unsafe { level.write_volatile(before) };
    out
}

/// Where FBGEMM can run: x86-64 with AVX2 (or AVX-512) and FMA. Elsewhere libtorch refuses the
/// int8 kernels.
pub fn int8_supported() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

impl Linear {
    pub fn new(p: nn::Path<'_>, inputs: i64, outputs: i64) -> Self {
        Linear::Float { w: p.var("weight", &[outputs, inputs], nn::Init::Const(0.)), b: p.var("bias", &[outputs], nn::Init::Const(0.)) }
    }

    pub fn forward(&self, x: &Tensor) -> Result<Tensor, TchError> {
        match self {
            Linear::Float { w, b } => x.f_linear(w, Some(b)),
            Linear::Int8(l) => l.forward(x),
        }
    }

    /// Replace f32 weights by int8 ones, for inputs in `range` (an int8 layer stays as it is).
    pub fn quantize(&mut self, range: Range) -> Result<(), TchError> {
        if let Linear::Float { w, b } = self {
            *self = Linear::Int8(Int8Linear::new(w, b, range)?);
        }
        Ok(())
    }
}

impl Int8Linear {
    /// SmoothQuant (Xiao et al. 2023): input channel j divided by s_j = a_j^α / w_j^(1-α) (a_j its
    /// calibrated magnitude, w_j that of weight column j), the column multiplied by s_j, so that a
    /// few large channels no longer make the one 8-bit input range coarse for all the others.
    fn smoothed(w: &Tensor, b: &Tensor, lo: &Tensor, hi: &Tensor, alpha: f64) -> Result<Self, TchError> {
        let w = w.f_to_kind(Kind::Float)?;
        let a = lo.f_abs()?.f_maximum(&hi.f_abs()?)?.f_clamp_min(1e-5)?;
        let wj = w.f_abs()?.f_amax([0i64].as_slice(), false)?.f_clamp_min(1e-5)?;
        let s = a.f_pow_tensor_scalar(alpha)?.f_div(&wj.f_pow_tensor_scalar(1.0 - alpha)?)?.f_clamp(1e-3, 1e3)?;
        let range = Range { lo: lo.f_div(&s)?.f_min()?.f_double_value(&[])?, hi: hi.f_div(&s)?.f_max()?.f_double_value(&[])? };
        let mut layer = Int8Linear::new(&w.f_mul(&s.f_view([1, -1])?)?, b, range)?;
        layer.inv_smooth = Some(s.f_reciprocal()?);
        Ok(layer)
    }

    fn new(w: &Tensor, b: &Tensor, range: Range) -> Result<Self, TchError> {
        let w = w.f_to_kind(Kind::Float)?.f_contiguous()?;
        let (outputs, inputs) = w.size2()?;
        let max = w.f_abs()?.f_amax([1i64].as_slice(), false)?;
        // an all-zero row keeps scale 1 (its levels are all 0)
        let scale = max.f_div_scalar(WEIGHT_LEVELS)?.f_where_scalarother(&max.f_gt(0.0)?, 1.0)?;
        let q = w.f_div(&scale.f_view([outputs, 1])?)?.f_round()?.f_clamp(-WEIGHT_LEVELS, WEIGHT_LEVELS)?.f_to_kind(Kind::Int8)?;
        let row_sums = q.f_sum_dim_intlist([1i64].as_slice(), false, Kind::Int)?;
        let packed = without_torch_warnings(|| q.f_fbgemm_pack_quantized_matrix())?;
        let bias = b.f_to_kind(Kind::Float)?.f_div(&scale)?;
        let (lo, hi) = range.widened();
        let mut ends = vec![0f32; inputs as usize];
        ends[0] = lo as f32;
        if inputs > 1 {
            ends[1] = hi as f32;
        }
        let range_row = Tensor::f_from_slice(&ends)?.f_view([1, inputs])?;
        let layer = Int8Linear { q, packed, row_sums, scale, bias, range_row, lo, hi, inv_smooth: None };
        // the first call warns (see `without_torch_warnings`)
        let _warm = without_torch_warnings(|| layer.forward(&layer.range_row))?;
        Ok(layer)
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor, TchError> {
        let mut shape = x.size();
        let inputs = *shape.last().unwrap_or(&0);
        let flat = x.f_reshape([-1, inputs])?.f_to_kind(Kind::Float)?;
        let rows = flat.size()[0];
        // the rows clamped to the range (smoothed first), then the range's own row, written
        // straight into one buffer
        let with_range = Tensor::f_empty([rows + 1, inputs], (Kind::Float, flat.device()))?;
        let mut body = with_range.f_narrow(0, 0, rows)?;
        match &self.inv_smooth {
            Some(m) => {
                let _ = flat.f_mul_out(&body, m)?;
                let _ = body.f_clamp_(self.lo, self.hi)?;
            }
            None => {
                let _ = flat.f_clamp_out(&body, self.lo, self.hi)?;
            }
        }
        with_range.f_narrow(0, rows, 1)?.f_copy_(&self.range_row)?;
        let y = with_range.f_fbgemm_linear_int8_weight_fp32_activation(
            &self.q,
            &self.packed,
            &self.row_sums,
            Scalar::float(1.0),
            Scalar::int(0),
            &self.bias,
        )?;
        if let Some(last) = shape.last_mut() {
            *last = self.scale.size()[0];
        }
        y.f_narrow(0, 0, rows)?.f_mul(&self.scale)?.f_view(shape.as_slice())
    }
}

/// The range of a linear layer's inputs seen in calibration; it always contains 0.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Range {
    pub lo: f64,
    pub hi: f64,
}

impl Range {
    /// Widen to cover `x` too.
    fn observe(&mut self, x: &Tensor) -> Result<(), TchError> {
        let lo = x.f_min()?.f_double_value(&[])?;
        let hi = x.f_max()?.f_double_value(&[])?;
        self.lo = self.lo.min(lo);
        self.hi = self.hi.max(hi);
        Ok(())
    }

    /// The range the int8 kernel is given: [`RANGE_MARGIN`] wider, never empty.
    fn widened(self) -> (f64, f64) {
        let (lo, hi) = (self.lo.min(0.0) * RANGE_MARGIN, self.hi.max(0.0) * RANGE_MARGIN);
        if hi - lo < 1e-6 {
            (lo - 1e-3, hi + 1e-3)
        } else {
            (lo, hi)
        }
    }
}

/// Token embeddings: word + absolute position (+ token type 0, where the architecture has token
/// types) vectors, then LayerNorm.
pub struct Embeddings {
    word: Tensor,
    position: Tensor,
    token_type: Option<Tensor>,
    norm: LayerNorm,
}

/// The sizes of an [`Embeddings`] table.
pub struct EmbeddingSizes {
    pub vocab: i64,
    pub positions: i64,
    /// Token types, for architectures that have them (BERT).
    pub token_types: Option<i64>,
    pub hidden: i64,
    pub eps: f64,
}

impl Embeddings {
    /// The variables `word_embeddings`, `position_embeddings`, `token_type_embeddings` and
    /// `LayerNorm` under `p`.
    pub fn new(p: nn::Path<'_>, sizes: EmbeddingSizes) -> Self {
        let zeros = nn::Init::Const(0.);
        let h = sizes.hidden;
        Embeddings {
            word: (&p / "word_embeddings").var("weight", &[sizes.vocab, h], zeros),
            position: (&p / "position_embeddings").var("weight", &[sizes.positions, h], zeros),
            token_type: sizes.token_types.map(|n| (&p / "token_type_embeddings").var("weight", &[n, h], zeros)),
            norm: LayerNorm::new(&p / "LayerNorm", h, sizes.eps),
        }
    }

    /// `[batch, len, hidden]` for `ids` and `positions` `[batch, len]`.
    pub fn forward(&self, ids: &Tensor, positions: &Tensor) -> Result<Tensor, TchError> {
        let mut sum =
            Tensor::f_embedding(&self.word, ids, -1, false, false)?.f_add(&Tensor::f_embedding(&self.position, positions, -1, false, false)?)?;
        if let Some(types) = &self.token_type {
            let zeros = ids.f_zeros_like()?;
            sum = sum.f_add(&Tensor::f_embedding(types, &zeros, -1, false, false)?)?;
        }
        self.norm.forward(&sum)
    }
}

pub struct LayerNorm {
    w: Tensor,
    b: Tensor,
    size: i64,
    eps: f64,
}

impl LayerNorm {
    pub fn new(p: nn::Path<'_>, size: i64, eps: f64) -> Self {
        LayerNorm { w: p.var("weight", &[size], nn::Init::Const(1.)), b: p.var("bias", &[size], nn::Init::Const(0.)), size, eps }
    }
    pub fn forward(&self, x: &Tensor) -> Result<Tensor, TchError> {
        x.f_layer_norm([self.size], Some(&self.w), Some(&self.b), self.eps, false)
    }
}

/// The intermediate activation (`hidden_act`, as transformers' `ACT2FN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// `gelu`: the exact (erf) form, torch's kernel.
    Gelu,
    /// `gelu` written out as rust-bert computes it, `x · ½ · (1 + erf(x / √2))`, so that the
    /// BERT encoder gives what rust-bert's did.
    GeluErfTerms,
    /// `gelu_new`, `gelu_pytorch_tanh`: the tanh approximation.
    GeluTanh,
    Relu,
}

impl Activation {
    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "gelu" => Ok(Activation::Gelu),
            "gelu_new" | "gelu_pytorch_tanh" => Ok(Activation::GeluTanh),
            "relu" => Ok(Activation::Relu),
            other => Err(format!("hidden_act {other:?} is not supported (gelu, gelu_new, relu)")),
        }
    }

    pub fn apply(self, x: &Tensor) -> Result<Tensor, TchError> {
        match self {
            Activation::Gelu => x.f_gelu("none"),
            Activation::GeluErfTerms => x.f_mul_scalar(0.5)?.f_mul(&x.f_div_scalar(std::f64::consts::SQRT_2)?.f_erf()?.f_add_scalar(1.0)?),
            Activation::GeluTanh => x.f_gelu("tanh"),
            Activation::Relu => x.f_relu(),
        }
    }
}

/// Where the attention divides by √(head size): the query before the product (rust-bert's BERT)
/// or the scores after it (transformers' MPNet). Either order is kept so that each encoder gives
/// the numbers it gave before the layers were shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scaling {
    Query,
    Scores,
}

/// Variable paths of one encoder layer under its path, dotted as in the architecture's
/// checkpoints, in this order: `q`, `k`, `v`, `o`, the attention LayerNorm, `intermediate`,
/// `output`, the output LayerNorm.
pub type LayerNames = [&'static str; 8];

/// The path `dotted` below `p`.
fn below<'a>(p: &nn::Path<'a>, dotted: &str) -> nn::Path<'a> {
    let mut parts = dotted.split('.');
    let first = parts.next().unwrap_or(dotted);
    parts.fold(p / first, |at, part| &at / part)
}

/// One post-LayerNorm encoder layer: self-attention (`q`, `k`, `v`, `o`) + LayerNorm, then
/// `intermediate` + activation, `output` + LayerNorm.
pub struct Layer {
    q: Linear,
    k: Linear,
    v: Linear,
    o: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// The calibrated input ranges of one layer's linears.
#[derive(Debug, Default)]
pub struct LayerRanges {
    qkv: Range,
    o: Range,
    intermediate: Range,
    output: ChannelRange,
}

/// The range of each input channel of a linear layer seen in calibration.
#[derive(Debug, Default)]
pub struct ChannelRange {
    /// `[in]` each channel's least and greatest value (both include 0).
    ends: Option<(Tensor, Tensor)>,
}

impl ChannelRange {
    fn observe(&mut self, x: &Tensor) -> Result<(), TchError> {
        let inputs = x.size().last().copied().unwrap_or(0);
        let flat = x.f_reshape([-1, inputs])?.f_to_kind(Kind::Float)?;
        let lo = flat.f_amin([0i64].as_slice(), false)?.f_clamp_max(0.0)?;
        let hi = flat.f_amax([0i64].as_slice(), false)?.f_clamp_min(0.0)?;
        self.ends = Some(match self.ends.take() {
            None => (lo, hi),
            Some((l, h)) => (l.f_minimum(&lo)?, h.f_maximum(&hi)?),
        });
        Ok(())
    }
}

/// The shape of the layers of a [`Stack`].
#[derive(Debug, Clone, Copy)]
pub struct StackConfig {
    pub hidden: i64,
    pub intermediate: i64,
    pub layers: i64,
    pub heads: i64,
    pub eps: f64,
    pub activation: Activation,
    pub scaling: Scaling,
}

/// The sizes every encoder built on [`Stack`] needs, as `config.json` names them: whole attention
/// heads and positive counts; the message says what is wrong.
pub fn check_sizes(
    hidden_size: i64,
    num_attention_heads: i64,
    num_hidden_layers: i64,
    intermediate_size: i64,
    vocab_size: i64,
) -> Result<(), String> {
    if num_attention_heads <= 0 || hidden_size <= 0 || hidden_size % num_attention_heads != 0 {
        return Err(format!("hidden_size {hidden_size} is not a multiple of num_attention_heads {num_attention_heads}"));
    }
    if num_hidden_layers <= 0 || intermediate_size <= 0 || vocab_size <= 0 {
        return Err("num_hidden_layers, intermediate_size and vocab_size must be positive".into());
    }
    Ok(())
}

/// The encoder layers of a model, run one after the other.
pub struct Stack {
    layers: Vec<Layer>,
    cfg: StackConfig,
}

impl Stack {
    /// Create the variables of layer `i` under `layer_path(i)`.
    pub fn new<'a>(cfg: StackConfig, names: &LayerNames, layer_path: impl Fn(i64) -> nn::Path<'a>) -> Self {
        let (h, eps) = (cfg.hidden, cfg.eps);
        let layers = (0..cfg.layers)
            .map(|i| {
                let l = layer_path(i);
                let [q, k, v, o, attention_norm, intermediate, output, output_norm] = names.map(|n| below(&l, n));
                Layer {
                    q: Linear::new(q, h, h),
                    k: Linear::new(k, h, h),
                    v: Linear::new(v, h, h),
                    o: Linear::new(o, h, h),
                    attention_norm: LayerNorm::new(attention_norm, h, eps),
                    intermediate: Linear::new(intermediate, h, cfg.intermediate),
                    output: Linear::new(output, cfg.intermediate, h),
                    output_norm: LayerNorm::new(output_norm, h, eps),
                }
            })
            .collect();
        Stack { layers, cfg }
    }

    /// Run every layer over `hidden` `[batch, len, hidden]`; `bias` (broadcast to the scores
    /// `[batch, heads, len, len]`) is added to the scaled scores before `mask`. With `ranges`,
    /// the input range of every linear layer is recorded (one entry per layer).
    pub fn forward(
        &self,
        mut hidden: Tensor,
        bias: Option<&Tensor>,
        mask: &Tensor,
        ranges: Option<&mut Vec<LayerRanges>>,
    ) -> Result<Tensor, TchError> {
        let (batch, len, _) = hidden.size3()?;
        let (heads, head_size) = (self.cfg.heads, self.cfg.hidden / self.cfg.heads);
        let kind = hidden.kind();
        let split = |x: Tensor| x.f_view([batch, len, heads, head_size])?.f_permute([0, 2, 1, 3]);
        let scale = (head_size as f64).sqrt();
        let record = ranges.is_some();
        let mut seen = Vec::with_capacity(if record { self.layers.len() } else { 0 });
        for layer in &self.layers {
            let mut r = LayerRanges::default();
            if record {
                r.qkv.observe(&hidden)?;
            }
            // each block's temporaries (queries, keys, scores `[batch, heads, len, len]`, the
            // feed-forward activations) are freed when the block ends, before the next block
            // allocates its own: the peak memory of a batch is that of its largest block
            let attended = {
                let probs = {
                    let q = split(layer.q.forward(&hidden)?)?;
                    let kt = split(layer.k.forward(&hidden)?)?.f_transpose(-1, -2)?;
                    let mut scores = match self.cfg.scaling {
                        Scaling::Query => q.f_div_scalar(scale)?.f_matmul(&kt)?,
                        Scaling::Scores => q.f_matmul(&kt)?.f_div_scalar(scale)?,
                    };
                    if let Some(b) = bias {
                        scores = scores.f_add(b)?;
                    }
                    scores.f_add(mask)?.f_softmax(-1, kind)?
                };
                let v = split(layer.v.forward(&hidden)?)?;
                let context = probs.f_matmul(&v)?.f_permute([0, 2, 1, 3])?.f_contiguous()?.f_view([batch, len, heads * head_size])?;
                if record {
                    r.o.observe(&context)?;
                }
                layer.attention_norm.forward(&hidden.f_add(&layer.o.forward(&context)?)?)?
            };
            if record {
                r.intermediate.observe(&attended)?;
                seen.push(r);
            }
            hidden = {
                let inner = self.cfg.activation.apply(&layer.intermediate.forward(&attended)?)?;
                if let Some(r) = seen.last_mut().filter(|_| record) {
                    r.output.observe(&inner)?;
                }
                layer.output_norm.forward(&attended.f_add(&layer.output.forward(&inner)?)?)?
            };
        }
        if let Some(out) = ranges {
            *out = seen;
        }
        Ok(hidden)
    }

    /// Make the linear layers int8 for the input ranges of a calibration pass ([`Stack::forward`]
    /// with `ranges`). The second layer of the feed-forward block (`output`) gets its input
    /// smoothed first ([`Int8Linear::smoothed`], α = [`SMOOTHING`]): its input, the activation's
    /// output, has a few channels far larger than the rest, and one plain 8-bit range over it is
    /// coarse where most values are (the accurate tier lost 0.9–1.4 CoNLL testa F1 that way).
    /// BERT's activation, written out term by term in f32 so as to give rust-bert's numbers, is
    /// torch's one GELU kernel here (the same function, a little faster; int8 gives other numbers
    /// anyway).
    pub fn quantize(&mut self, ranges: &[LayerRanges]) -> Result<(), TchError> {
        if self.cfg.activation == Activation::GeluErfTerms {
            self.cfg.activation = Activation::Gelu;
        }
        for (layer, r) in self.layers.iter_mut().zip(ranges) {
            layer.q.quantize(r.qkv)?;
            layer.k.quantize(r.qkv)?;
            layer.v.quantize(r.qkv)?;
            layer.o.quantize(r.o)?;
            layer.intermediate.quantize(r.intermediate)?;
            if let (Linear::Float { w, b }, Some((lo, hi))) = (&layer.output, &r.output.ends) {
                layer.output = Linear::Int8(Int8Linear::smoothed(w, b, lo, hi, SMOOTHING)?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::Device;

    fn random_linear(inputs: i64, outputs: i64) -> (Tensor, Tensor) {
        tch::manual_seed(3);
        let w = Tensor::randn([outputs, inputs], (Kind::Float, Device::Cpu)) * 0.05;
        let b = Tensor::randn([outputs], (Kind::Float, Device::Cpu)) * 0.1;
        (w, b)
    }

    /// The int8 layer against the f32 one on random data: within a small share of the outputs'
    /// size; values beyond the calibrated range are clamped, not wrapped.
    #[test]
    fn int8_linear_is_close_to_f32() {
        if !int8_supported() {
            return;
        }
        let (w, b) = random_linear(64, 48);
        let float = Linear::Float { w: w.shallow_clone(), b: b.shallow_clone() };
        let x = Tensor::randn([3, 5, 64], (Kind::Float, Device::Cpu));
        let mut range = Range::default();
        range.observe(&x).unwrap();
        let mut int8 = Linear::Float { w, b };
        int8.quantize(range).unwrap();
        let want = float.forward(&x).unwrap();
        let got = int8.forward(&x).unwrap();
        assert_eq!(got.size(), vec![3, 5, 48]);
        let err = f64::try_from((&got - &want).abs().max()).unwrap();
        let size = f64::try_from(want.abs().max()).unwrap();
        assert!(err < 0.03 * size, "max error {err} against outputs up to {size}");
        // far outside the range: clamped to its ends, so finite and bounded
        let huge = int8.forward(&(&x * 1000.0)).unwrap();
        assert_eq!(huge.isfinite().all().int64_value(&[]), 1);
    }

    /// Inputs with a few channels far larger than the rest (as after the feed-forward block's
    /// activation): smoothed, the int8 layer stays close to f32, closer than with one plain range
    /// (on random weights the gain is modest: smoothing moves the spread into the weights, whose
    /// rows are quantized each to its own largest value; on the models it is 0.9–2 F1, see
    /// [`SMOOTHING`]).
    #[test]
    fn smoothing_tames_outlier_channels() {
        if !int8_supported() {
            return;
        }
        let (w, b) = random_linear(64, 48);
        let float = Linear::Float { w: w.shallow_clone(), b: b.shallow_clone() };
        let mut big = vec![1f32; 64];
        big[7] = 60.0;
        big[40] = 40.0;
        let x = Tensor::rand([4, 6, 64], (Kind::Float, Device::Cpu)) * Tensor::from_slice(&big);
        let want = float.forward(&x).unwrap();
        let error = |l: &Linear| f64::try_from((&l.forward(&x).unwrap() - &want).abs().mean(Kind::Float)).unwrap();
        let mut channels = ChannelRange::default();
        channels.observe(&x).unwrap();
        let (lo, hi) = channels.ends.as_ref().unwrap();
        assert_eq!(lo.size(), vec![64]);
        let smoothed = Linear::Int8(Int8Linear::smoothed(&w, &b, lo, hi, SMOOTHING).unwrap());
        let mut range = Range::default();
        range.observe(&x).unwrap();
        let mut plain = Linear::Float { w, b };
        plain.quantize(range).unwrap();
        let (e_smoothed, e_plain) = (error(&smoothed), error(&plain));
        let size = f64::try_from(want.abs().mean(Kind::Float)).unwrap();
        assert!(e_smoothed < 0.8 * e_plain && e_smoothed < 0.02 * size, "mean error smoothed {e_smoothed}, plain {e_plain}, outputs {size}");
    }

    /// A row's result depends on that row alone (the range is fixed), and is the same for any
    /// number of libtorch threads.
    #[test]
    fn int8_rows_do_not_depend_on_their_batch_or_threads() {
        if !int8_supported() {
            return;
        }
        let (w, b) = random_linear(32, 40);
        let mut l = Linear::Float { w, b };
        l.quantize(Range { lo: -3.0, hi: 3.0 }).unwrap();
        let x = Tensor::randn([6, 32], (Kind::Float, Device::Cpu));
        let all = l.forward(&x).unwrap();
        let first = l.forward(&x.narrow(0, 0, 1)).unwrap();
        assert!(all.narrow(0, 0, 1).equal(&first));
        let scaled = Tensor::cat(&[x.narrow(0, 0, 1), x.narrow(0, 1, 5) * 0.01], 0);
        assert!(l.forward(&scaled).unwrap().narrow(0, 0, 1).equal(&first));
        let threads = tch::get_num_threads();
        tch::set_num_threads(1);
        let one = l.forward(&x).unwrap();
        tch::set_num_threads(threads.max(2));
        let many = l.forward(&x).unwrap();
        tch::set_num_threads(threads);
        assert!(one.equal(&many) && one.equal(&all));
    }

    #[test]
    fn ranges_contain_zero_and_are_never_empty() {
        assert_eq!(Range { lo: 1.0, hi: 2.0 }.widened(), (0.0, 2.0 * RANGE_MARGIN));
        let (lo, hi) = Range::default().widened();
        assert!(lo < 0.0 && hi > 0.0);
    }
}

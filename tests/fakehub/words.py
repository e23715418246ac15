"""A synthetic, seeded English-like vocabulary with a Zipf distribution, and fast text from it.

Real abstracts follow Zipf's law: a few hundred function and domain words make up most of the
text and a long tail of rare words makes each paper findable. The vocabulary here is the real
head (stopwords, ML terms) plus 50,000+ generated words made of syllables, shorter words ranked
more frequent (Zipf's law of abbreviation). Sampling goes through a 2**20-slot lookup table and
``operator.itemgetter`` so that 100,000 abstracts take seconds, not minutes.
"""

from __future__ import annotations

import functools
import operator
import random
from collections.abc import Sequence


def _wordlist(text: str, sep: str | None = None) -> list[str]:
    """Long word lists are written as text: easier to read and edit than list literals."""
    return text.split(sep)


STOPWORDS = _wordlist(
    "the of and to a in we for is that on with by this our are as an from be which can it "
    "at these their its or not both while than such into also has have using across between "
    "over more however only when through without under each other two three most much show "
    "how what new all existing further first without here thus where whereas via per"
)

DOMAIN = _wordlist(
    "model models learning language data training performance method approach network networks "
    "neural large task tasks results framework propose benchmark evaluation image images text "
    "generation reasoning agents agent diffusion transformer attention video vision multimodal "
    "reinforcement policy reward inference efficient efficiency accuracy dataset datasets "
    "retrieval representation representations knowledge prompt prompting fine-tuning pretraining "
    "zero-shot few-shot in-context alignment preference optimization gradient loss scaling "
    "parameters tokens token context long-context memory latency throughput robotic robot "
    "planning search code mathematical math problems problem solution solutions questions "
    "answering question answer instruction instructions human feedback safety robustness "
    "adversarial attack privacy federated graph graphs molecular protein audio speech music "
    "3D scene scenes rendering reconstruction depth segmentation detection tracking motion "
    "embodied navigation manipulation simulation physics world temporal spatial semantic "
    "visual textual generative discriminative autoregressive latent encoder decoder embedding "
    "embeddings architecture layers layer heads mixture experts sparse dense quantization "
    "distillation compression pruning hardware GPU memory-efficient state-of-the-art baseline "
    "baselines experiments extensive demonstrate significantly outperforms improves achieves "
    "introduce present study analysis empirical theoretical novel simple effective strong "
    "robust scalable general-purpose open-source release evaluate compare capabilities "
    "limitations hallucination factuality reasoning chain-of-thought verification verifier "
    "tool tools environment environments trajectories trajectory exploration synthetic "
    "curriculum self-supervised supervised unsupervised contrastive classification regression "
    "recognition captioning editing personalization style control controllable consistency "
    "coherence quality diversity fidelity resolution high-resolution sampling sampler noise "
    "denoising flow matching score energy probabilistic Bayesian uncertainty calibration "
    "ensemble benchmarks leaderboard metrics metric human-annotated annotation labels label "
    "multilingual low-resource cross-lingual translation summarization dialogue conversational "
    "chat assistant users user interaction interactive recommendation ranking retrieval-augmented "
    "LLM LLMs VLM VLMs MLLMs RLHF DPO LoRA GPT CLIP ViT NeRF"
)

PHRASES = (
    "large language models",
    "vision-language models",
    "reinforcement learning",
    "diffusion models",
    "chain-of-thought reasoning",
    "mixture of experts",
    "state space models",
    "retrieval-augmented generation",
    "text-to-image generation",
    "video generation",
    "in-context learning",
    "instruction tuning",
    "preference optimization",
    "reward models",
    "test-time scaling",
    "multimodal large language models",
    "Gaussian splatting",
    "neural radiance fields",
    "speech recognition",
    "code generation",
    "mathematical reasoning",
    "long-context understanding",
    "knowledge distillation",
    "contrastive learning",
    "self-supervised learning",
    "graph neural networks",
    "world models",
    "embodied agents",
    "autonomous driving",
    "medical imaging",
)

SMALL_TITLE_WORDS = frozenset(
    _wordlist("a an and as at by for from in into of on or the to via with")
)

_ONSETS = _wordlist(
    ",b,c,d,f,g,h,j,k,l,m,n,p,qu,r,s,t,v,w,z,br,cr,dr,fr,gr,pr,tr,bl,cl,fl,gl,pl,sl,st,sp,sc,"
    "sh,ch,th,ph,sn,sm,sk,wr",
    ",",
)
_VOWELS = _wordlist("a e i o u ai ea io ou y ae ei")
_CODAS = _wordlist(",n,r,s,l,m,t,x,nd,st,rt,ng,ct,ns,rm", ",")

TABLE_BITS = 20
VOCAB_SIZE = 52_000
ZIPF_EXPONENT = 1.0


def _synthetic_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct pronounceable words, short ones first (they are the frequent ones)."""
    syllables = [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS]
    out: list[str] = []
    seen = set(taken)
    while len(out) < count:
        n = rng.choice((1, 2, 2, 2, 2, 3, 3, 3, 4))
        word = "".join(rng.choice(syllables) for _ in range(n))
        if 2 < len(word) <= 14 and word not in seen:
            seen.add(word)
            out.append(word)
    # Zipf's law of abbreviation, with noise so length is not a perfect rank predictor.
    keyed = [(len(w) + rng.random() * 4, w) for w in out]
    keyed.sort()
    return [w for _, w in keyed]


class Vocabulary:
    """A seeded vocabulary and its Zipf sampling table; read-only once built, shared freely."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"vocab:{seed}")
        head: list[str] = list(dict.fromkeys(STOPWORDS))
        domain = list(dict.fromkeys(DOMAIN + list(PHRASES)))
        rng.shuffle(domain)
        head += domain
        tail = _synthetic_words(rng, VOCAB_SIZE - len(head), set(head))
        self.words: list[str] = head + tail
        self.head_size = len(head)
        self.table = self._zipf_table(self.words)
        # Titles and keywords are mostly content words: same ranks, stopwords left out.
        self.content_table = self._zipf_table(self.words[len(STOPWORDS) :])
        self.capital = {w: w[:1].upper() + w[1:] for w in self.words}
        # Words for naming things (acronyms, org names) come from the tail so they look invented.
        self.tail = tail

    @staticmethod
    def _zipf_table(words: Sequence[str]) -> list[str]:
        """A 2**TABLE_BITS list in which word of rank r occupies ~ N / r**s slots (at least one)."""
        size = 1 << TABLE_BITS
        weights = [1.0 / (r**ZIPF_EXPONENT) for r in range(1, len(words) + 1)]
        spare = size - len(words)
        scale = spare / sum(weights)
        table: list[str] = []
        for word, w in zip(words, weights, strict=True):
            table.extend([word] * (1 + int(w * scale)))
        i = 0
        while len(table) < size:  # rounding leftovers go to the head, where they change nothing
            table.append(words[i])
            i += 1
        return table

    def sample(self, rng: random.Random, n: int, *, content: bool = False) -> tuple[str, ...]:
        """``n`` words drawn from the Zipf distribution (C-speed: no per-word Python code).

        ``content=True`` leaves out the stopwords (for titles and keywords).
        """
        if n <= 0:
            return ()
        raw = bytearray(rng.randbytes(4 * n))
        raw[3::4] = bytes(n)  # keep 20 bits of each little-endian uint32
        raw[2::4] = raw[2::4].translate(_LOW_NIBBLE)
        table = self.content_table if content else self.table
        got = operator.itemgetter(*memoryview(raw).cast("I"))(table)
        return got if n > 1 else (got,)

    def text(self, rng: random.Random, n_words: int) -> str:
        """About ``n_words`` words of capitalised, punctuated sentences, as one line."""
        words = list(self.sample(rng, n_words))
        cap = self.capital
        rand = rng.random
        n = len(words)
        i = 0
        while i < n:
            words[i] = cap[words[i]]
            end = min(n, i + 6 + int(rand() * 24))
            if end - i > 8 and rand() < 0.5:
                words[i + 3 + int(rand() * (end - i - 6))] += ","
            words[end - 1] += "."
            i = end
        return " ".join(words)

    def title(self, rng: random.Random) -> str:
        """A paper title of 5-25 words, in title case, sometimes with a ``Name:`` prefix."""
        n = 5 + min(20, int(rng.expovariate(1 / 5)))
        cap = self.capital
        rand = rng.random
        words = [cap[w] for w in self.sample(rng, n, content=True)]
        for k in range(1, n - 1):
            if rand() < 0.2:  # "Learning to Plan with ..." needs a few small words
                words[k] = _SMALL_LIST[int(rand() * len(_SMALL_LIST))]
        r = rand()
        if r < 0.3:
            name = self.tail[int(rand() * 4000)]
            words[0] = (cap[name] if r < 0.2 else name[:4].upper()) + ":"
        text = " ".join(words)
        if text.count(" ") >= 25:  # phrases count as several words
            text = " ".join(text.split(" ")[:25])
        return text

    def keywords(self, rng: random.Random) -> list[str]:
        """3-10 AI keywords: domain phrases and content-word bigrams."""
        k = 3 + int(rng.random() * 8)
        words = self.sample(rng, 2 * k, content=True)
        rand = rng.random
        out = [
            PHRASES[int(rand() * len(PHRASES))]
            if rand() < 0.4
            else f"{words[2 * j]} {words[2 * j + 1]}"
            for j in range(k)
        ]
        return list(dict.fromkeys(out))


_LOW_NIBBLE = bytes(b & 0x0F for b in range(256))
_SMALL_LIST = ("for", "of", "with", "in", "via", "and", "to", "from", "on")


@functools.lru_cache(maxsize=4)
def vocabulary(seed: int) -> Vocabulary:
    """The shared vocabulary for ``seed`` (built once per process: ~0.2 s)."""
    return Vocabulary(seed)


def wrap(text: str, width: int) -> str:
    """Greedy line wrap at ``width`` columns like arXiv abstracts (per line, not per word)."""
    lines: list[str] = []
    start = 0
    n = len(text)
    while n - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:
            cut = text.find(" ", start + width)
            if cut < 0:
                break
        lines.append(text[start:cut])
        start = cut + 1
    lines.append(text[start:])
    return "\n".join(lines)

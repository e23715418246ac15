"""Seeded pools of people and organisations: author names (accents, CJK), HF users, orgs."""

from __future__ import annotations

import functools
import random
from typing import Any


def _wordlist(text: str, sep: str | None = None) -> list[str]:
    """Long word lists are written as text: easier to read and edit than list literals."""
    return text.split(sep)


FIRST = _wordlist(
    "Wei Jing Yu Xin Hao Yang Jie Lei Min Tao Chen Hui Jun Li Ming Zhen Yi Ying Xiao Rui Kai Bo "
    "Hyunwoo Jiwon Seungho Minji Taro Hiroshi Yuki Haruto Sakura Kenji Arjun Priya Rohan Ananya "
    "Vikram Aditi Siddharth Kavya Rahul Neha Mohammed Fatima Omar Layla Yusuf Amira Hassan Zeynep "
    "John Mary David Sarah Michael Emily James Anna Robert Laura Daniel Julia Thomas Sophie Peter "
    "Alexander Maria Ivan Olga Dmitry Anastasia Sergei Natalia Pavel Ekaterina Luca Giulia Marco "
    "Francesca Matteo Chiara Pierre Camille Louis Manon Hugo Léa Chloé Théo Éloïse Noé Hélène "
    "José María Jesús Lucía Andrés Sofía Martín Inés Tomás Ramón João Gonçalo Conceição Zoë "
    "Jürgen Jörg Günther Björn Søren Åsa Øystein Łukasz Paweł Małgorzata Wojciech Ştefan Çağrı "
    "Gökhan Ülkü Dũng Thảo Nguyên Khánh Ngọc Đức Kwame Chidi Ngozi Oluwaseun Amara Tendai Siobhán "
    "Seán Dóra Ágnes Zoltán Jiří Tereza Václav Ilse Niels Anouk Bram"
)

LAST = _wordlist(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng "
    "Kim Lee Park Choi Jung Kang Tanaka Suzuki Sato Takahashi Watanabe Yamamoto Nakamura Kobayashi "
    "Sharma Gupta Patel Singh Kumar Reddy Iyer Nair Das Mehta Khan Ahmed Ali Hussein Yilmaz Demir "
    "Smith Johnson Brown Miller Davis Wilson Taylor Anderson Clark Lewis Walker Young King Wright "
    "Ivanov Petrov Smirnov Kuznetsova Popov Sokolov Rossi Russo Ferrari Esposito Bianchi Romano "
    "Martin Bernard Dubois Lefèvre Moreau Girard Bonnet François Rousseau Faure García Fernández "
    "González Rodríguez López Martínez Sánchez Pérez Gómez Muñoz Peña Ibáñez Gonçalves Magalhães "
    "Müller Schäfer Schröder Weiß Köhler Groß Jäger Öztürk Çelik Şahin Ødegård Sørensen Åberg "
    "Kowalski Wiśniewski Wójcik Dąbrowski Nguyễn Trần Lê Phạm Hoàng Đặng Okafor Adeyemi Mensah "
    "Nkosi Ó_Briain Nagy Szabó Dvořák Novák van_der_Berg de_Vries Jansen"
)

# Names written in their own scripts, as some authors list themselves (~8% of authors).
NATIVE = _wordlist(
    "王伟 李娜 张敏 刘洋 陈静 杨帆 黄磊 赵丽 周杰 吴婷 徐明 孙悦 马超 朱琳 胡波 郭鹏 "
    "田中太郎 山田花子 佐藤健 鈴木一郎 高橋美咲 渡辺翔 김민준 이서연 박지훈 최수아 정우진 "
    "Дмитрий_Иванов Анна_Смирнова Σοφία_Παπαδοπούλου Γιώργος_Νικολάου محمد_العلي سارة_حسن"
)

ORG_NAMES = (
    ("google", "Google"),
    ("meta-llama", "Meta Llama"),
    ("facebook", "AI at Meta"),
    ("microsoft", "Microsoft"),
    ("nvidia", "NVIDIA"),
    ("Qwen", "Qwen"),
    ("deepseek-ai", "DeepSeek"),
    ("allenai", "Ai2"),
    ("huggingface", "Hugging Face"),
    ("stanford", "Stanford University"),
    ("mit", "Massachusetts Institute of Technology"),
    ("tsinghua", "Tsinghua University"),
    ("PKU", "Peking University"),
    ("kaist", "KAIST"),
    ("ETHZ", "ETH Zürich"),
    ("epfl", "École Polytechnique Fédérale de Lausanne"),
    ("ByteDance-Seed", "ByteDance Seed"),
    ("alibaba-nlp", "Alibaba-NLP"),
    ("OpenGVLab", "OpenGVLab"),
    ("MHUGLab", "Multimedia and Human Understanding Group"),
    ("tum", "Technische Universität München"),
    ("sapienza", "Sapienza Università di Roma"),
    ("utokyo", "東京大学 The University of Tokyo"),
    ("snu", "서울대학교 Seoul National University"),
    ("inria", "Inria"),
    ("mila", "Mila - Québec AI Institute"),
    ("ai-sweden", "AI Sweden"),
    ("tiiuae", "Technology Innovation Institute"),
    ("salesforce", "Salesforce"),
    ("apple", "Apple"),
)

AUTHOR_STATUSES = ("claimed_verified", "extracted_confirmed", "extracted_pending", "admin_assigned")


def _oid(rng: random.Random) -> str:
    return f"{rng.getrandbits(96):024x}"


def _slug(name: str, rng: random.Random) -> str:
    ascii_part = "".join(c for c in name.lower() if c.isascii() and (c.isalnum() or c == " "))
    base = "-".join(ascii_part.split()) or "user"
    return f"{base}{rng.randint(1, 999)}" if rng.random() < 0.4 else base


class People:
    """Seeded name, user and organisation pools; read-only once built."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"people:{seed}")
        names: list[str] = []
        for _ in range(30_000):
            r = rng.random()
            if r < 0.08:
                names.append(rng.choice(NATIVE).replace("_", " "))
            elif r < 0.2:
                last = rng.choice(LAST).replace("_", " ")
                names.append(f"{rng.choice(FIRST)} {rng.choice(FIRST)[0]}. {last}")
            else:
                names.append(f"{rng.choice(FIRST)} {rng.choice(LAST).replace('_', ' ')}")
        self.names = names
        self.users: list[dict[str, Any]] = [self._user(rng, rng.choice(names)) for _ in range(3000)]
        ak = {
            "_id": "60f1abe7544c2adfd699860c",
            "avatarUrl": "https://cdn-avatars.huggingface.co/v1/production/uploads/"
            "1674929746905-60f1abe7544c2adfd699860c.jpeg",
            "fullname": "AK",
            "name": "akhaliq",
            "isPro": False,
        }
        self.ak = ak
        self.orgs: list[dict[str, str]] = []
        for slug, fullname in ORG_NAMES:
            self.orgs.append(
                {
                    "_id": _oid(rng),
                    "name": slug,
                    "fullname": fullname,
                    "avatar": "https://cdn-avatars.huggingface.co/v1/production/uploads/"
                    f"{_oid(rng)}/{rng.getrandbits(48):012x}.png",
                }
            )

    @staticmethod
    def _user(rng: random.Random, fullname: str) -> dict[str, Any]:
        oid = _oid(rng)
        if rng.random() < 0.5:
            avatar = f"/avatars/{rng.getrandbits(128):032x}.svg"
        else:
            avatar = f"https://cdn-avatars.huggingface.co/v1/production/uploads/{oid}/x.jpeg"
        return {
            "_id": oid,
            "avatarUrl": avatar,
            "fullname": fullname,
            "name": _slug(fullname, rng),
            "isPro": rng.random() < 0.15,
        }

    def submitter(self, rng: random.Random) -> dict[str, Any]:
        """Who put a paper on Daily Papers: AK a quarter of the time, else a Zipf-ish user."""
        if rng.random() < 0.25:
            return self.ak
        return self.users[min(len(self.users) - 1, int(rng.paretovariate(0.8)) - 1)]


@functools.lru_cache(maxsize=4)
def people(seed: int) -> People:
    """The shared pools for ``seed``."""
    return People(seed)


def submitted_by(user: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The item-level ``submittedBy`` user overview."""
    return {
        "_id": user["_id"],
        "avatarUrl": user["avatarUrl"],
        "fullname": user["fullname"],
        "name": user["name"],
        "type": "user",
        "isPro": user["isPro"],
        "isHf": False,
        "isHfAdmin": False,
        "isMod": False,
        "followerCount": int(rng.paretovariate(1.0)) - 1,
        "isUserFollowing": False,
    }


def submitted_on_daily_by(user: dict[str, Any], with_name: bool) -> dict[str, Any]:
    """The paper-level ``submittedOnDailyBy``: ``user`` is the username, ``name`` only sometimes."""
    d: dict[str, Any] = {
        "_id": user["_id"],
        "avatarUrl": user["avatarUrl"],
        "isPro": user["isPro"],
        "fullname": user["fullname"],
        "user": user["name"],
        "type": "user",
    }
    if with_name:
        d["name"] = user["name"]
    return d

//! Indonesian (Bahasa Indonesia), formal and the everyday chat forms (`gak`, `nggak`, `udah`).
//! Written for this project.

use crate::core::language::pack::{LanguagePack, ReplyTexts};

pub const PACK: LanguagePack = LanguagePack {
    code: "id",
    name: "Bahasa Indonesia",
    marker_words: &[
        "bilang", "habis", "tiap", "menit", "sesi", "katanya", "padahal", "sudah", "belum", "barang", "barangnya", "kurir", "kirim", "ongkir", "resi", "kenapa", "ya", "aja", "saja", "tapi", "tetapi", "karena", "waktu", "pas", "terus", "lagi",
        "saya", "aku", "kami", "kita", "anda", "kamu", "dia", "mereka", "yang", "dan", "atau",
        "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu", "sudah", "udah", "belum",
        "tidak", "tak", "gak", "ga", "nggak", "enggak", "bukan", "ada", "bisa", "mau", "ingin",
        "perlu", "harus", "sudah", "masih", "juga", "sangat", "banget", "apa", "kenapa",
        "mengapa", "bagaimana", "gimana", "kapan", "dimana", "mana", "hari", "kemarin",
        "besok", "minggu", "pesanan", "pesan", "beli", "membeli", "akun", "kata", "sandi",
        "pembayaran", "bayar", "sudah bayar", "kartu", "tagihan", "faktur", "pengiriman",
        "kirim", "dikirim", "paket", "sampai", "diterima", "terima", "pengembalian", "dana",
        "refund", "aplikasi", "berfungsi", "jalan", "bantuan", "bantu", "tolong", "terima kasih",
        "makasih", "halo", "selamat", "pagi", "siang", "sore", "malam", "kak", "min", "gan",
        "mohon", "lagi", "sekali", "sama", "hanya", "cuma", "sejak", "sampai", "tentang",
        "uang", "nomor", "jawab", "balas", "dibalas", "kok", "dong", "sih", "nya", "lah",
        "deh", "ya", "rusak", "gagal", "masalah", "segera",
    ],
    greeting_words: &[
        "halo", "hai", "hi", "selamat", "pagi", "siang", "sore", "malam", "terima", "kasih",
        "makasih", "trims", "thanks", "ok", "oke", "okay", "ya", "iya", "tidak", "gak",
        "bantuan", "tolong", "kak", "min", "admin", "gan", "semua", "tim", "sip", "siap",
        "baik", "banyak", "sama", "sama-sama",
    ],
    issue_keywords: &[
        "masalah", "bermasalah", "error", "eror", "gagal", "rusak", "tidak bisa", "gak bisa",
        "ga bisa", "nggak bisa", "enggak bisa", "tidak berfungsi", "tidak jalan", "gak jalan",
        "tidak bisa masuk", "gak bisa login", "belum sampai", "belum diterima", "belum datang",
        "tidak sampai", "hilang", "salah", "terlambat", "telat", "potong", "terpotong",
        "saldo terpotong", "ditagih", "tagihan", "dobel", "pengembalian dana", "refund",
        "batal", "batalkan", "pembatalan", "kata sandi", "password", "terblokir", "diblokir",
        "pesanan", "keluhan", "komplain", "pertanyaan", "tanya", "butuh", "perlu", "mau",
        "ingin", "akun", "pembayaran", "aplikasi keluar sendiri", "macet", "crash",
    ],
    urgent_keywords: &[
        "mendesak", "darurat", "penting sekali", "segera", "secepatnya", "sekarang juga",
        "kritis", "tidak bisa sama sekali", "total", "penipuan", "dibobol",
    ],
    high_keywords: &[
        "penting", "masalah", "error", "gagal", "tidak bisa", "gak bisa", "nggak bisa",
        "terpotong", "ditagih", "terblokir", "diblokir", "keluhan", "komplain",
    ],
    replies: ReplyTexts {
        ticket_created: "Tiket #{ticket_id} dibuat: '{subject}'. Kami akan segera membalas.",
        more_details: "Mohon jelaskan masalah Anda lebih rinci. Contoh: 'Saya tidak bisa masuk ke akun' atau 'Pertanyaan tentang tagihan #123'",
        apology: "Maaf, kami belum bisa membuat tiket Anda saat ini. Silakan coba lagi nanti atau hubungi tim dukungan secara langsung.",
        comment_added: "Terima kasih, pesan Anda sudah kami tambahkan ke tiket #{ticket_id}.",
        out_of_hours: "Terima kasih atas pesan Anda. Saat ini di luar jam layanan; kami akan membalas begitu kami kembali.",
        opt_out: "Baik: Anda tidak akan menerima pesan WhatsApp dari kami lagi. Silakan hubungi kami kapan saja untuk memulai lagi.",
        queue_full: "Kami masih menangani pesan Anda sebelumnya, jadi pesan ini belum bisa kami terima. Mohon tunggu balasan kami, lalu kirim ulang pesan ini.",
    },
};

//! The one set of encoders, decoders and MAC primitives every part of the
//! engine uses: verify, sign, diagnose and discover must agree byte for byte.

use base64::Engine;
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

use super::{Algorithm, Encoding, SecretEncoding};

/// Senders differ on padding; the bytes are what matter.
const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const BASE64URL_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// How a signature is written in a header.
pub(crate) fn encode(encoding: Encoding, bytes: &[u8]) -> String {
    match encoding {
        Encoding::HexLower => hex::encode(bytes),
        Encoding::HexUpper => hex::encode_upper(bytes),
        Encoding::Base64 => general_purpose::STANDARD.encode(bytes),
        // base64url is conventionally unpadded (JWT and friends).
        Encoding::Base64Url => general_purpose::URL_SAFE_NO_PAD.encode(bytes),
    }
}

/// Reads a signature; hex in either case, base64 with or without padding.
/// None when the text is not in that encoding, or is empty (an empty
/// signature must never compare equal to anything).
pub(crate) fn decode(encoding: Encoding, text: &str) -> Option<Vec<u8>> {
    let bytes = match encoding {
        Encoding::HexLower | Encoding::HexUpper => hex::decode(text).ok()?,
        Encoding::Base64 => BASE64_LENIENT.decode(text).ok()?,
        Encoding::Base64Url => BASE64URL_LENIENT.decode(text).ok()?,
    };
    (!bytes.is_empty()).then_some(bytes)
}

/// Lenient base64 for pasted secrets and Basic credentials: either alphabet.
pub(crate) fn decode_base64_any(text: &str) -> Option<Vec<u8>> {
    BASE64_LENIENT
        .decode(text)
        .or_else(|_| BASE64URL_LENIENT.decode(text))
        .ok()
}

pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    general_purpose::STANDARD.encode(bytes)
}

/// What a secret encoding expects, for messages ("is not {expected}").
pub(crate) fn secret_encoding_words(encoding: SecretEncoding) -> &'static str {
    match encoding {
        SecretEncoding::Utf8 => "text",
        SecretEncoding::Base64 => "valid base64",
        SecretEncoding::Hex => "valid hex",
        SecretEncoding::Whsec => "a whsec_ secret (base64 after an optional whsec_ prefix)",
    }
}

/// Turns a pasted secret into key bytes. Pasted secrets often carry stray
/// whitespace; it is ignored for the binary encodings, where it cannot be
/// part of the key, but kept for text secrets, where it could be.
pub(crate) fn decode_secret(value: &str, encoding: SecretEncoding) -> Option<Vec<u8>> {
    let key = match encoding {
        SecretEncoding::Utf8 => value.as_bytes().to_vec(),
        SecretEncoding::Base64 => decode_base64_any(value.trim())?,
        SecretEncoding::Hex => hex::decode(value.trim()).ok()?,
        SecretEncoding::Whsec => {
            let value = value.trim();
            decode_base64_any(value.strip_prefix("whsec_").unwrap_or(value))?
        }
    };
    (!key.is_empty()).then_some(key)
}

/// HMAC of `message` under `key`. HMAC takes keys of any length, so
/// `new_from_slice` cannot fail; were it to, the empty result matches no
/// signature ([`decode`] never yields an empty one).
pub(crate) fn hmac(algorithm: Algorithm, key: &[u8], message: &[u8]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
        match <M as Mac>::new_from_slice(key) {
            Ok(mut mac) => {
                mac.update(message);
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }
    match algorithm {
        Algorithm::Sha1 => run::<Hmac<Sha1>>(key, message),
        Algorithm::Sha256 => run::<Hmac<Sha256>>(key, message),
        Algorithm::Sha512 => run::<Hmac<Sha512>>(key, message),
    }
}

/// Output length of an algorithm's MAC, in bytes.
pub(crate) fn mac_len(algorithm: Algorithm) -> usize {
    match algorithm {
        Algorithm::Sha1 => 20,
        Algorithm::Sha256 => 32,
        Algorithm::Sha512 => 64,
    }
}

/// Constant-time equality; different lengths are simply unequal.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Lowercase hex SHA-256, as Twilio's `bodySHA256`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(crate) fn algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Sha1 => "SHA1",
        Algorithm::Sha256 => "SHA256",
        Algorithm::Sha512 => "SHA512",
    }
}

pub(crate) fn encoding_words(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::HexLower => "hex",
        Encoding::HexUpper => "uppercase hex",
        Encoding::Base64 => "base64",
        Encoding::Base64Url => "base64url",
    }
}

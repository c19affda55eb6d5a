//! Languages in which a facility offers care.

use crate::set::Set;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// A language in which care is offered, named by its ISO 639 code.
    ///
    /// The vocabulary is the FindTreatment directory's: each language also parses from its
    /// English name and its directory code (`SP`, `F4`, `N23`, ...).
    ///
    /// ```
    /// use carefind::Language;
    ///
    /// assert_eq!("Spanish".parse::<Language>().unwrap(), Language::Spanish);
    /// assert_eq!(Language::Spanish.name(), "es");
    /// assert_eq!("F70".parse::<Language>().unwrap(), Language::Russian);
    /// ```
    pub enum Language: "language" {
        /// Spanish.
        Spanish = "es", "Spanish", codes ["SP"], aliases ["spa", "espanol"];
        /// American Sign Language and other sign-language services.
        SignLanguage = "asl", "Sign language (ASL)",
            codes ["AH"], aliases ["ase", "sign-language", "american-sign-language"];
        /// American Indian or Alaska Native languages (ISO 639-2 collective code).
        NativeAmerican = "nai", "American Indian or Alaska Native languages",
            codes ["NX"], aliases ["native-american"];
        /// Other languages than those listed.
        Other = "other", "Other languages", codes ["FX"], aliases [];
        /// Arabic.
        Arabic = "ar", "Arabic", codes ["F4"], aliases [];
        /// Any Chinese language.
        Chinese = "zh", "Chinese", codes ["F17"], aliases ["mandarin", "cantonese"];
        /// Haitian Creole.
        Creole = "ht", "Creole", codes ["F19"], aliases ["haitian-creole"];
        /// Farsi.
        Farsi = "fa", "Farsi", codes ["F25"], aliases ["persian"];
        /// French.
        French = "fr", "French", codes ["F28"], aliases [];
        /// German.
        German = "de", "German", codes ["F30"], aliases [];
        /// Greek.
        Greek = "el", "Greek", codes ["F31"], aliases [];
        /// Hebrew.
        Hebrew = "he", "Hebrew", codes ["F35"], aliases [];
        /// Hindi.
        Hindi = "hi", "Hindi", codes ["F36"], aliases [];
        /// Hmong.
        Hmong = "hmn", "Hmong", codes ["F37"], aliases [];
        /// Italian.
        Italian = "it", "Italian", codes ["F42"], aliases [];
        /// Japanese.
        Japanese = "ja", "Japanese", codes ["F43"], aliases [];
        /// Korean.
        Korean = "ko", "Korean", codes ["F47"], aliases [];
        /// Polish.
        Polish = "pl", "Polish", codes ["F66"], aliases [];
        /// Portuguese.
        Portuguese = "pt", "Portuguese", codes ["F67"], aliases [];
        /// Russian.
        Russian = "ru", "Russian", codes ["F70"], aliases [];
        /// Tagalog.
        Tagalog = "tl", "Tagalog", codes ["F81"], aliases ["filipino"];
        /// Vietnamese.
        Vietnamese = "vi", "Vietnamese", codes ["F92"], aliases [];
        /// Hopi.
        Hopi = "hop", "Hopi", codes ["N13"], aliases [];
        /// Lakota.
        Lakota = "lkt", "Lakota", codes ["N18"], aliases [];
        /// Navajo.
        Navajo = "nv", "Navajo", codes ["N23"], aliases [];
        /// Ojibwa.
        Ojibwa = "oj", "Ojibwa", codes ["N24"], aliases ["ojibwe"];
        /// Yupik.
        Yupik = "ypk", "Yupik", codes ["N40"], aliases [];
    }
}

/// A set of languages.
///
/// ```
/// use carefind::{Language, LanguageSet};
///
/// assert!("es;asl".parse::<LanguageSet>().unwrap().contains(Language::SignLanguage));
/// ```
pub type LanguageSet = Set<Language>;

//! Ways to pay for care.

use crate::set::Set;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// A way of paying that a facility accepts.
    ///
    /// ```
    /// use carefind::Payment;
    ///
    /// assert_eq!("MD".parse::<Payment>().unwrap(), Payment::Medicaid);
    /// assert_eq!("tricare".parse::<Payment>().unwrap(), Payment::Military);
    /// ```
    pub enum Payment: "payment" {
        /// Medicaid.
        Medicaid = "medicaid", "Medicaid", codes ["MD"], aliases [];
        /// Medicare.
        Medicare = "medicare", "Medicare", codes ["MC"], aliases [];
        /// Private health insurance.
        PrivateInsurance = "private-insurance", "Private health insurance",
            codes ["PI"], aliases ["private"];
        /// Cash or self-payment.
        Cash = "cash", "Cash or self-payment", codes ["SF"], aliases ["self-pay", "self-payment"];
        /// A sliding fee scale.
        SlidingFee = "sliding-fee", "Sliding fee scale", codes ["SS"], aliases ["sliding-scale"];
        /// Free or no-cost care.
        Free = "free", "Free or no-cost care", codes ["NP"], aliases ["no-cost", "no-payment"];
        /// Federal military insurance (TRICARE).
        Military = "military", "Federal military insurance (TRICARE)",
            codes ["MI"], aliases ["tricare"];
        /// A state-financed health insurance plan other than Medicaid.
        StateFinanced = "state-financed", "State-financed health insurance",
            codes ["SI"], aliases ["state-insurance"];
        /// IHS, tribal or urban Indian (ITU) funds.
        IhsTribal = "ihs-tribal", "IHS/Tribal/Urban (ITU) funds", codes ["ITU"], aliases ["ihs", "tribal"];
        /// Payment assistance (check with the facility).
        PaymentAssistance = "payment-assistance", "Payment assistance", codes ["PA"], aliases [];
        /// Federal or other government funding for substance use treatment.
        GovernmentFunding = "government-funding", "Federal or other government funding",
            codes ["FSA"], aliases ["federal-funding"];
    }
}

/// A set of ways to pay.
///
/// ```
/// use carefind::{Payment, PaymentSet};
///
/// let accepted: PaymentSet = "medicaid;SF".parse().unwrap();
/// assert!(accepted.contains(Payment::Cash));
/// ```
pub type PaymentSet = Set<Payment>;

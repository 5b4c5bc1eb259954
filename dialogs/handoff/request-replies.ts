/**
 * The reply to a request for a person ("Of course — I'm connecting you with a person…") in the languages whose
 * requests Parley recognises, for a customer who asked in one of them; English is in `dialogs/replies.ts`.
 */
export const REQUEST_REPLY: Readonly<Record<string, string>> = {
  es: 'Por supuesto: le paso con una persona de nuestro equipo. Le responderá aquí mismo, normalmente en pocos minutos en horario laboral. Verá esta conversación, así que no tendrá que repetir nada.',
  fr: "Bien sûr : je vous mets en relation avec une personne de notre équipe. Elle vous répondra ici, généralement en quelques minutes pendant les heures d'ouverture. Elle voit cette conversation, vous n'aurez donc rien à répéter.",
  de: 'Gerne – ich verbinde Sie mit einer Person aus unserem Team. Sie antwortet Ihnen hier, während der Geschäftszeiten meist innerhalb weniger Minuten. Sie sieht diesen Verlauf, Sie müssen also nichts wiederholen.',
  pt: 'Claro — vou transferir você para uma pessoa da nossa equipe. Ela responderá aqui mesmo, normalmente em poucos minutos no horário comercial. Ela vê esta conversa, então você não precisará repetir nada.',
  it: 'Certo — la metto in contatto con una persona del nostro team. Le risponderà qui, di solito entro pochi minuti in orario lavorativo. Vede questa conversazione, quindi non dovrà ripetere nulla.',
  nl: 'Natuurlijk — ik verbind u door met iemand van ons team. Die antwoordt hier, meestal binnen een paar minuten tijdens kantooruren. Die ziet dit gesprek, dus u hoeft niets te herhalen.',
};

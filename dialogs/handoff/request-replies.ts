/**
 * The reply to a request for a person ("Of course — I'm connecting you with a person…") in the languages whose
 * requests Parley recognises, for a customer who asked in one of them; English is in `dialogs/replies.ts`. Not a
 * translation service: these few fixed replies only.
 */
export const REQUEST_REPLY: Readonly<Record<string, string>> = {
  es: 'Por supuesto: le paso con una persona de nuestro equipo. Le responderá aquí mismo, normalmente en pocos minutos en horario laboral. Verá esta conversación, así que no tendrá que repetir nada.',
  fr: "Bien sûr : je vous mets en relation avec une personne de notre équipe. Elle vous répondra ici, généralement en quelques minutes pendant les heures d'ouverture. Elle voit cette conversation, vous n'aurez donc rien à répéter.",
  de: 'Gerne – ich verbinde Sie mit einer Person aus unserem Team. Sie antwortet Ihnen hier, während der Geschäftszeiten meist innerhalb weniger Minuten. Sie sieht diesen Verlauf, Sie müssen also nichts wiederholen.',
  pt: 'Claro — vou transferir você para uma pessoa da nossa equipe. Ela responderá aqui mesmo, normalmente em poucos minutos no horário comercial. Ela vê esta conversa, então você não precisará repetir nada.',
  it: 'Certo — la metto in contatto con una persona del nostro team. Le risponderà qui, di solito entro pochi minuti in orario lavorativo. Vede questa conversazione, quindi non dovrà ripetere nulla.',
  nl: 'Natuurlijk — ik verbind u door met iemand van ons team. Die antwoordt hier, meestal binnen een paar minuten tijdens kantooruren. Die ziet dit gesprek, dus u hoeft niets te herhalen.',
};

/**
 * The honest reply to a request for a person when no agent desk is attached (nobody replies in the chat; the request is
 * recorded), in the same languages: `contact` introduces the operator's contact details, `{contacts}` where they go.
 */
export const UNREACHABLE_REQUEST_REPLY: Readonly<Record<string, { opening: string; contact: string; closing: string }>> = {
  es: {
    opening: 'Lo siento: aquí no puedo pasarle con una persona, nadie de nuestro equipo responde en este chat. He registrado su solicitud para nuestro equipo.',
    contact: 'También puede contactar directamente con nuestro equipo — {contacts}.',
    closing: 'Mientras tanto, con gusto le sigo ayudando. Pregúnteme lo que necesite.',
  },
  fr: {
    opening: "Je suis désolé : je ne peux pas vous mettre en relation avec une personne ici, personne de notre équipe ne répond dans ce chat. J'ai enregistré votre demande pour notre équipe.",
    contact: 'Vous pouvez aussi joindre notre équipe directement — {contacts}.',
    closing: 'En attendant, je reste à votre disposition. Posez-moi vos questions.',
  },
  de: {
    opening: 'Es tut mir leid – ich kann Sie hier nicht mit einer Person verbinden: In diesem Chat antwortet niemand aus unserem Team. Ich habe Ihre Anfrage für unser Team festgehalten.',
    contact: 'Sie erreichen unser Team auch direkt – {contacts}.',
    closing: 'Bis dahin helfe ich Ihnen gern weiter. Fragen Sie mich einfach.',
  },
  pt: {
    opening: 'Sinto muito — não consigo transferir você para uma pessoa aqui: ninguém da nossa equipe responde neste chat. Registrei seu pedido para a nossa equipe.',
    contact: 'Você também pode falar diretamente com a nossa equipe — {contacts}.',
    closing: 'Enquanto isso, continuo à disposição para ajudar. Pergunte o que precisar.',
  },
  it: {
    opening: 'Mi dispiace — qui non posso metterla in contatto con una persona: in questa chat non risponde nessuno del nostro team. Ho registrato la sua richiesta per il nostro team.',
    contact: 'Può anche contattare direttamente il nostro team — {contacts}.',
    closing: 'Nel frattempo sono felice di continuare ad aiutarla. Mi chieda pure.',
  },
  nl: {
    opening: 'Het spijt me — ik kan u hier niet doorverbinden met een persoon: in deze chat antwoordt niemand van ons team. Ik heb uw verzoek voor ons team genoteerd.',
    contact: 'U kunt ons team ook direct bereiken — {contacts}.',
    closing: 'Intussen help ik u graag verder. Vraag het me gerust.',
  },
};

"""Included under ``f/<fund_id>/books/``: every page is fund-scoped (``fund_view``)."""

from django.urls import path

from kongtun.ledger import views

urlpatterns = [
    path("", views.books_home, name="books_home"),
    path("journal/", views.journal, name="ledger_journal"),
    path("journal/new/", views.voucher_new, name="ledger_voucher_new"),
    path("journal/<int:entry_id>/", views.entry_detail, name="ledger_entry"),
    path("journal/<int:entry_id>/reverse/", views.entry_reverse_view, name="ledger_entry_reverse"),
    path("trial-balance/", views.trial_balance, name="ledger_trial_balance"),
    path("balance-sheet/", views.balance_sheet, name="ledger_balance_sheet"),
    path("income-expenditure/", views.income_expenditure, name="ledger_income_expenditure"),
    path("cash-book/", views.cash_book, name="ledger_cash_book"),
    path("cash-book.csv", views.cash_book_csv, name="ledger_cash_book_csv"),
    path("accounts/", views.accounts, name="ledger_accounts"),
    path("accounts/<int:account_id>/", views.account_detail, name="ledger_account"),
    path(
        "accounts/<int:account_id>/ledger.csv", views.account_ledger_csv, name="ledger_account_csv"
    ),
    path("months/", views.months, name="ledger_months"),
]

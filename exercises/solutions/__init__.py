"""Reference answers to the lessons' exercises. Try the exercise first!"""
